// Hands Keycloak's answer (in this frame's address) to the app that opened the frame.
// A separate file, as the Content-Security-Policy allows no inline script.
parent.postMessage(location.href, location.origin);
