// The layer directions of ARCHITECTURE.md as a lint rule: each relative import is resolved to
// the top-level folder it lands in, and that folder must be one the importing layer may use.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Which layers each layer may import; `typesOnly` layers may be imported with `import type` only. */
export const layerRules = {
  domain: { may: [] },
  extensions: { may: ['domain'] },
  adapters: { may: ['domain'] },
  activities: { may: ['domain', 'extensions', 'adapters'] },
  workflows: { may: ['domain'], typesOnly: ['activities'] },
  temporal: { may: ['domain', 'workflows', 'activities', 'adapters', 'extensions'] },
  api: { may: ['domain', 'temporal', 'adapters'] },
  web: { may: ['domain'] },
};

function describe(rule) {
  const parts = [...rule.may];
  if (rule.typesOnly) parts.push(...rule.typesOnly.map((layer) => `${layer} (types only)`));
  return parts.length ? parts.join(', ') : 'nothing from other layers';
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Imports point one way, down the layers of ARCHITECTURE.md.' },
    schema: [],
    messages: {
      forbidden: '{{from}}/ may import {{allowed}}; not {{to}}/.',
      typesOnly: '{{from}}/ may import {{to}}/ for types only: use `import type`.',
    },
  },
  create(context) {
    const file = context.filename;
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || /\.test\.ts$/.test(file)) return {};
    const from = relative.split(path.sep)[0];
    const rule = layerRules[from];
    if (!rule) return {};

    function check(node, source, typeOnly) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(file), source)).split(path.sep);
      const to = target[0];
      if (!to || to === from || to === '..') return;
      const toWithSub = `${to}/${target[1] ?? ''}`;
      if (rule.may.includes(to) || rule.may.includes(toWithSub)) return;
      if (rule.typesOnly?.includes(to)) {
        if (!typeOnly) context.report({ node, messageId: 'typesOnly', data: { from, to } });
        return;
      }
      context.report({ node, messageId: 'forbidden', data: { from, to, allowed: describe(rule) } });
    }

    const typeOnlyDeclaration = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 && node.specifiers.every((specifier) => specifier.importKind === 'type'));

    return {
      ImportDeclaration: (node) => check(node, node.source.value, typeOnlyDeclaration(node)),
      ExportNamedDeclaration: (node) =>
        node.source && check(node, node.source.value, typeOnlyDeclaration(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};
