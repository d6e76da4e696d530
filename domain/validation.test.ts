import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { MemberInput, normalizeMemberInput } from './member.ts';
import { describeSchemaErrors } from './validation.ts';

function issuesFor(value: unknown, locale: 'fr' | 'en' = 'fr') {
  return describeSchemaErrors(Value.Errors(MemberInput, value), locale);
}

describe('validation messages', () => {
  it('names missing fields the way people call them', () => {
    expect(issuesFor({ firstName: 'Marie' })).toEqual([
      { field: 'lastName', message: '« Nom » est obligatoire.' },
    ]);
    expect(issuesFor({ firstName: 'Marie' }, 'en')).toEqual([
      { field: 'lastName', message: '« Last name » is required.' },
    ]);
  });

  it('says which field has the wrong format, once per field', () => {
    const issues = issuesFor({
      firstName: 'Marie',
      lastName: ' ',
      email: 'marie@',
      address: { street: 'x' },
    });
    expect(issues.map((issue) => issue.field)).toEqual(['lastName', 'email', 'postalCode', 'city']);
    expect(issues[1]?.message).toBe("« Courriel » n'a pas le bon format.");
  });

  it('refuses unknown fields by name', () => {
    expect(issuesFor({ firstName: 'A', lastName: 'B', password: 'x' })).toEqual([
      { field: '', message: 'Champ inconnu : password.' },
    ]);
  });

  it('normalizes a member before it is stored', () => {
    const result = normalizeMemberInput(
      { firstName: ' Marie ', lastName: 'Curie ', email: 'Marie@Example.FR', phone: '06 12 34 56 78' },
      'fr',
    );
    expect(result).toEqual({
      ok: true,
      value: { firstName: 'Marie', lastName: 'Curie', email: 'marie@example.fr', phone: '+33612345678' },
    });
    const refused = normalizeMemberInput({ firstName: 'A', lastName: 'B', phone: '12 34' }, 'fr');
    expect(refused.ok).toBe(false);
  });
});
