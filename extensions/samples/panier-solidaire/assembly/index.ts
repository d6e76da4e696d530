// Hook sign-up-checks v1, Jardin de Cocagne du Val du Doubs: households may ask for the
// solidarity basket when a partner association (CCAS, Secours populaire…) refers them. The form
// gets two fields; asking for the solidarity basket then needs the referral number printed on
// the association's form, and the solidarity basket is a small or a medium one.
import { Host } from '@extism/as-pdk';
import { output, parse, quote, text } from '../../as-common/assembly/json';

const fields =
  '[' +
  '{"key":"socialBasket","kind":"checkbox","required":false,' +
  '"label":' + text('Je demande le panier solidaire', 'I am asking for the solidarity basket') + ',' +
  '"help":' + text(
    'Sur orientation d’une association partenaire (CCAS, Secours populaire, Restos du cœur…).',
    'When a partner association (CCAS, Secours populaire, Restos du cœur…) refers you.') + '},' +
  '{"key":"associationNumber","kind":"text","required":false,"maxLength":30,' +
  '"label":' + text('Numéro d’orientation de l’association', 'Referral number from the association') + ',' +
  '"help":' + text(
    'Le numéro inscrit sur la fiche d’orientation, par exemple CCAS-2026-0142.',
    'The number on the referral form, for example CCAS-2026-0142.') + '}' +
  ']';

/** 6 to 30 letters, digits and dashes, with at least a letter first and a digit somewhere. */
function isReferralNumber(value: string): bool {
  if (value.length < 6 || value.length > 30) return false;
  let digits = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const digit = c >= 0x30 && c <= 0x39;
    if (i == 0 && !letter) return false;
    if (digit) digits++;
    if (!letter && !digit && c != 0x2d) return false;
  }
  return digits > 0;
}

function problem(field: string, fr: string, en: string): string {
  return '{"field":' + quote(field) + ',"message":' + text(fr, en) + '}';
}

export function sign_up_checks(): i32 {
  const input = parse(Host.inputString());
  const answers = input.get('answers');
  const application = input.get('application');
  const asked = answers.get('socialBasket').isTrue();
  const number = answers.get('associationNumber').asString().trim();

  const problems: string[] = [];
  if (asked && number.length == 0) {
    problems.push(problem('associationNumber',
      'Le numéro d’orientation de l’association est obligatoire pour le panier solidaire.',
      'The referral number from the association is required for the solidarity basket.'));
  } else if (number.length > 0 && !isReferralNumber(number)) {
    problems.push(problem('associationNumber',
      'Ce numéro d’orientation n’a pas la forme attendue (par exemple CCAS-2026-0142).',
      'This referral number does not look right (for example CCAS-2026-0142).'));
  }
  if (asked && application.get('basketSize').asString() == 'large') {
    problems.push(problem('basketSize',
      'Le panier solidaire est un petit panier ou un panier moyen.',
      'The solidarity basket is a small or a medium basket.'));
  }
  output('{"fields":' + fields + ',"problems":[' + problems.join(',') + ']}');
  return 0;
}
