import { searchAttributeKeys } from '../workflows/search-attributes.ts';

type ServerType = 'Keyword' | 'Text' | 'Int' | 'Datetime' | 'Bool' | 'KeywordList' | 'Double';

const serverTypes: Record<string, ServerType> = {
  KEYWORD: 'Keyword',
  TEXT: 'Text',
  INT: 'Int',
  DATETIME: 'Datetime',
  BOOL: 'Bool',
  KEYWORD_LIST: 'KeywordList',
  DOUBLE: 'Double',
};

/**
 * Custom search attributes the namespace must know, derived from the keys workflows use.
 * The local dev server registers them at start; on a real cluster `temporal operator
 * search-attribute create` does, once per namespace.
 */
export const searchAttributes: ReadonlyArray<{ name: string; type: ServerType }> = searchAttributeKeys.map(
  (key) => ({ name: key.name, type: serverTypes[key.type] ?? 'Keyword' }),
);
