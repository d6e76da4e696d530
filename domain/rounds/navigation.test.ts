import { describe, expect, it } from 'vitest';
import {
  formatCoordinate,
  geoUri,
  googleMapsDirectionsUrl,
  navigationLinks,
  telLink,
  wazeUrl,
} from './navigation.ts';

const farm = { lat: 47.2378, lng: 6.0241 };

describe('formatCoordinate', () => {
  it('keeps at most 6 decimals and drops trailing zeros', () => {
    expect(formatCoordinate(47.23781234567)).toBe('47.237812');
    expect(formatCoordinate(6.0241)).toBe('6.0241');
    expect(formatCoordinate(47)).toBe('47');
    expect(formatCoordinate(-1.5000004)).toBe('-1.5');
  });

  it('never writes exponent notation, nor -0', () => {
    expect(String(0.0000001)).toBe('1e-7');
    expect(formatCoordinate(0.0000001)).toBe('0');
    expect(formatCoordinate(0.000001)).toBe('0.000001');
    expect(formatCoordinate(-0.0000001)).toBe('0');
    expect(formatCoordinate(-0)).toBe('0');
    expect(formatCoordinate(-0.00005)).toBe('-0.00005');
    expect(formatCoordinate(179.9999999)).toBe('180');
  });

  it('refuses what is not a number', () => {
    expect(() => formatCoordinate(Number.NaN)).toThrow(RangeError);
    expect(() => formatCoordinate(Infinity)).toThrow(RangeError);
  });
});

describe('geoUri', () => {
  it('gives the position, and the label as a query', () => {
    expect(geoUri(farm)).toBe('geo:47.2378,6.0241');
    expect(geoUri(farm, 'Dépôt de Saône')).toBe(
      'geo:47.2378,6.0241?q=47.2378,6.0241(D%C3%A9p%C3%B4t%20de%20Sa%C3%B4ne)',
    );
  });

  it('encodes a hostile label so it cannot close the label or add a parameter', () => {
    const uri = geoUri(farm, 'Bob) & <script>alert(1)</script>&q=0,0 #x');
    expect(uri).toBe(
      'geo:47.2378,6.0241?q=47.2378,6.0241(Bob%29%20%26%20%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26q%3D0%2C0%20%23x)',
    );
    const label = uri.slice(uri.indexOf('(') + 1, -1);
    expect(label).not.toMatch(/[()&=#<> ]/);
    expect(decodeURIComponent(label)).toBe('Bob) & <script>alert(1)</script>&q=0,0 #x');
  });

  it('gathers blank space in the label and leaves out an empty one', () => {
    expect(geoUri(farm, ' La\n  Ferme ')).toBe('geo:47.2378,6.0241?q=47.2378,6.0241(La%20Ferme)');
    expect(geoUri(farm, '   ')).toBe('geo:47.2378,6.0241');
  });

  it('refuses a position off the globe', () => {
    expect(() => geoUri({ lat: 91, lng: 0 })).toThrow(RangeError);
    expect(() => geoUri({ lat: 0, lng: Number.NaN })).toThrow(RangeError);
  });
});

describe('map app links', () => {
  it('opens Google Maps directions and Waze navigation', () => {
    expect(googleMapsDirectionsUrl({ lat: 47.23781234567, lng: -0.0000001 })).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=47.237812,0',
    );
    expect(wazeUrl(farm)).toBe('https://waze.com/ul?ll=47.2378,6.0241&navigate=yes');
    expect(new URL(wazeUrl(farm)).searchParams.get('ll')).toBe('47.2378,6.0241');
    expect(new URL(googleMapsDirectionsUrl(farm)).searchParams.get('destination')).toBe('47.2378,6.0241');
  });

  it('gives the three links of a stop on the map, none for a stop not placed', () => {
    expect(navigationLinks({ name: 'Chez Léa', location: farm })).toEqual({
      geo: 'geo:47.2378,6.0241?q=47.2378,6.0241(Chez%20L%C3%A9a)',
      googleMaps: 'https://www.google.com/maps/dir/?api=1&destination=47.2378,6.0241',
      waze: 'https://waze.com/ul?ll=47.2378,6.0241&navigate=yes',
    });
    expect(navigationLinks({ name: 'Chez Léa' })).toBeUndefined();
  });
});

describe('telLink', () => {
  it('calls a stored or typed number', () => {
    expect(telLink('+33612345678')).toBe('tel:+33612345678');
    expect(telLink('06 12 34 56 78')).toBe('tel:+33612345678');
    expect(telLink('06.12.34.56.78')).toBe('tel:+33612345678');
    expect(telLink('+41 22 123 45 67')).toBe('tel:+41221234567');
    // A short number is kept as typed.
    expect(telLink('3631')).toBe('tel:3631');
  });

  it('gives no link for what holds no number', () => {
    expect(telLink(undefined)).toBeUndefined();
    expect(telLink('')).toBeUndefined();
    expect(telLink('voir avec Paul')).toBeUndefined();
    expect(telLink('0612345678;ext=1')).toBeUndefined();
    expect(telLink('javascript:alert(1)')).toBeUndefined();
  });
});
