import { describe, expect, it } from 'vitest';
import Type from 'typebox';
import { readConfiguration } from './configuration.ts';

const Schema = Type.Object({
  HTTP_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  OIDC_ISSUER: Type.String({ minLength: 1 }),
  DEBUG: Type.Boolean({ default: false }),
});

describe('configuration', () => {
  it('converts, defaults and keeps only what the schema names', () => {
    expect(readConfiguration(Schema, { HTTP_PORT: '3000', OIDC_ISSUER: 'http://kc', OTHER: 'x' })).toEqual({
      HTTP_PORT: 3000,
      OIDC_ISSUER: 'http://kc',
      DEBUG: false,
    });
  });

  it('stops with every problem listed', () => {
    expect(() => readConfiguration(Schema, { HTTP_PORT: 'http' })).toThrow(/OIDC_ISSUER: missing/);
    expect(() => readConfiguration(Schema, { HTTP_PORT: '70000', OIDC_ISSUER: 'x' })).toThrow(/HTTP_PORT/);
  });
});
