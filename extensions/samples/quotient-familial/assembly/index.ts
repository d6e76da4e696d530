// Hook solidarity-price v1, Jardin de Cocagne du Val du Doubs: the tier follows the household's
// quotient familial (CAF). Up to 700 € a month: the "solidaire" tier; up to 1 000 €: the
// "intermediaire" tier when the garden has one; above, or without a quotient: full price
// (a tier staff already gave is kept when no quotient is known).
import { Host } from '@extism/as-pdk';
import { Json, output, parse, quote, text } from '../../as-common/assembly/json';

const solidarityCeiling: i32 = 700;
const intermediateCeiling: i32 = 1000;

/** The garden's tier with this id, or a JSON null when it has none. */
function tierOf(tiers: Json, id: string): Json {
  for (let i = 0; i < tiers.items.length; i++) {
    if (tiers.items[i].get('id').asString() == id) return tiers.items[i];
  }
  return new Json();
}

function euros(amount: i32): string {
  const whole = amount.toString();
  return whole.length > 3 ? whole.substring(0, whole.length - 3) + '\u202f' + whole.substring(whole.length - 3) : whole;
}

function answer(tier: Json, size: string, prices: Json, fr: string, en: string): string {
  const price = tier.isNull() ? prices.get('basketPrices').get(size) : tier.get('prices').get(size);
  const tierId = tier.isNull() ? 'null' : quote(tier.get('id').asString());
  return (
    '{"tierId":' + tierId + ',"basketPrice":' + (<i64>price.number).toString() + ',"reason":' + text(fr, en) + '}'
  );
}

export function solidarity_price(): i32 {
  const input = parse(Host.inputString());
  const size = input.get('basketSize').asString();
  const prices = input.get('prices');
  const tiers = prices.get('solidarityTiers');
  const household = input.get('household');
  const quotient = household.get('quotientFamilial');

  if (quotient.isNull()) {
    const current = tierOf(tiers, input.get('currentTierId').asString());
    output(
      current.isNull()
        ? answer(current, size, prices,
            'Quotient familial non communiqué : tarif plein.',
            'No quotient familial given: full price.')
        : answer(current, size, prices,
            'Quotient familial non communiqué : le tarif « ' + current.get('label').asString() + ' » donné par l’équipe est gardé.',
            'No quotient familial given: the tier "' + current.get('label').asString() + '" staff gave is kept.'),
    );
    return 0;
  }

  const qf = <i32>quotient.number;
  const solidaire = tierOf(tiers, 'solidaire');
  const intermediaire = tierOf(tiers, 'intermediaire');
  let answerJson: string;
  if (qf <= solidarityCeiling && !solidaire.isNull()) {
    answerJson = answer(solidaire, size, prices,
      'Quotient familial de ' + euros(qf) + ' € (jusqu’à ' + euros(solidarityCeiling) + ' €) : ' + solidaire.get('label').asString() + '.',
      'Quotient familial of €' + qf.toString() + ' (up to €' + solidarityCeiling.toString() + '): ' + solidaire.get('label').asString() + '.');
  } else if (qf <= intermediateCeiling && !intermediaire.isNull()) {
    answerJson = answer(intermediaire, size, prices,
      'Quotient familial de ' + euros(qf) + ' € (jusqu’à ' + euros(intermediateCeiling) + ' €) : ' + intermediaire.get('label').asString() + '.',
      'Quotient familial of €' + qf.toString() + ' (up to €' + intermediateCeiling.toString() + '): ' + intermediaire.get('label').asString() + '.');
  } else {
    answerJson = answer(new Json(), size, prices,
      'Quotient familial de ' + euros(qf) + ' € : tarif plein.',
      'Quotient familial of €' + qf.toString() + ': full price.');
  }
  output(answerJson);
  return 0;
}
