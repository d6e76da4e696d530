import type { Member } from './member.ts';
import { foldForSearch } from './text.ts';

// How staff find a member: what they type is matched word by word, in any order, against the
// names, email, town, phone and member number, ignoring accents and case. "sophie girardot",
// "Girardot Sophie", "soph gira" and "06 12 34 56 78" all find Sophie Girardot.

/** What a search is made of: words (each must be found), and a phone number when it may be one. */
export interface MemberQuery {
  words: string[];
  /** National digits ("0612345678", or a part of it) when the text may be a phone number. */
  phoneDigits?: string;
}

const phoneLike = /^[+\d][\d\s.()-]*$/;

/** The national form of a phone number's digits: "+33 6 12…" and "0033 6 12…" → "0612…". */
function nationalDigits(text: string): string {
  const digits = text.replace(/\D/g, '');
  if (text.trim().startsWith('+33')) return `0${digits.slice(2)}`;
  if (digits.startsWith('0033')) return `0${digits.slice(4)}`;
  return digits;
}

/** Reads what staff typed; an empty query matches everyone. */
export function parseMemberQuery(text: string): MemberQuery {
  const folded = foldForSearch(text);
  const digitCount = folded.replace(/\D/g, '').length;
  // Four digits or more, with nothing but separators: a phone number typed any way, or a
  // postal code (one word of digits either way).
  if (digitCount >= 4 && phoneLike.test(folded)) {
    return { words: [folded.replace(/\D/g, '')], phoneDigits: nationalDigits(folded) };
  }
  return { words: folded.split(' ').filter((word) => word.length > 0) };
}

type Searchable = Pick<Member, 'id' | 'firstName' | 'lastName' | 'email' | 'phone' | 'address'>;

/** Everything a word may be found in, folded once. */
function haystack(member: Searchable): string {
  return foldForSearch(
    [
      member.firstName,
      member.lastName,
      member.email ?? '',
      member.address?.city ?? '',
      member.address?.postalCode ?? '',
      member.id,
    ].join(' '),
  );
}

/** Whether a member answers the query: the phone number, or every word found somewhere. */
export function memberMatches(member: Searchable, query: MemberQuery): boolean {
  const { phoneDigits } = query;
  if (phoneDigits !== undefined && member.phone !== undefined) {
    if (nationalDigits(member.phone).includes(phoneDigits)) return true;
  }
  if (query.words.length === 0) return true;
  const text = haystack(member);
  return query.words.every((word) => text.includes(word));
}
