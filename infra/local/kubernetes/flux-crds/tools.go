//go:build tools

// The API types of Flux's image controllers, whose CRDs controller-gen writes: the Go module
// proxy serves these api modules but not the controllers' own modules (which carry the
// published YAML in config/crd/bases), so the CRDs are generated from the same types and
// markers the published ones are generated from.
package tools

import (
	_ "github.com/fluxcd/image-automation-controller/api/v1"
	_ "github.com/fluxcd/image-reflector-controller/api/v1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
