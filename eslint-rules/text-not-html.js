// Names, addresses and notes in the web app are typed by people. Any API that parses a string
// as HTML turns such a text into markup, and markup into script (stored XSS). This rule closes
// the ways a string reaches an HTML parser in our code: the DOM's HTML setters, and Leaflet,
// whose tooltips, popups and div icons insert a string as HTML but an element as it is.
// (Vue templates are covered by `vue/no-v-html`.) A tile layer's attribution is HTML too, by
// Leaflet's design: it comes from the deployment's settings (MAP_ATTRIBUTION), never from what
// people type in the app, so it is left out.
import ts from 'typescript';

const htmlProperties = new Set(['innerHTML', 'outerHTML']);
const htmlMethods = new Set(['insertAdjacentHTML', 'createContextualFragment', 'setHTMLUnsafe']);
/** Leaflet methods whose first argument is content (a string is inserted as HTML). */
const leafletContentMethods = new Set([
  'bindTooltip',
  'bindPopup',
  'setContent',
  'setTooltipContent',
  'setPopupContent',
]);
/** Options of Leaflet's factories and classes that hold content (`L.divIcon({ html })`…). */
const leafletContentOptions = ['html', 'content'];

const propertyName = (node) =>
  node.type === 'Identifier' ? node.name : node.type === 'Literal' ? String(node.value) : undefined;

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Text people typed is shown as text: no string ever reaches an HTML parser.' },
    schema: [],
    messages: {
      htmlProperty:
        '`{{name}}` parses its string as HTML: build elements and set `textContent` (or use a Vue template).',
      htmlMethod: '`{{name}}` parses its string as HTML: build elements and set `textContent`.',
      documentWrite: '`document.{{name}}` parses its string as HTML.',
      leafletString:
        'Leaflet inserts a string as HTML: pass an element whose text is set with `textContent` (see `textElement` in web/src/maps/base-map.ts).',
    },
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    const typed = Boolean(services?.program && services.esTreeNodeToTSNodeMap);
    const checker = typed ? services.program.getTypeChecker() : undefined;

    /** Whether a value of this type may be a string (or cannot be known), even from a callback. */
    function mayBeString(type, depth = 0) {
      if (depth > 3) return false;
      if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
      if (type.isUnion()) return type.types.some((part) => mayBeString(part, depth + 1));
      return type
        .getCallSignatures()
        .some((signature) => mayBeString(checker.getReturnTypeOfSignature(signature), depth + 1));
    }

    function typeOf(node) {
      return checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
    }

    /** Whether the called function or method is one of Leaflet's (declared in its types). */
    function isLeaflet(callee) {
      const target = callee.type === 'MemberExpression' ? callee.property : callee;
      const symbol = checker.getSymbolAtLocation(services.esTreeNodeToTSNodeMap.get(target));
      const declarations = symbol?.declarations ?? [];
      return declarations.some((declaration) =>
        /[\\/]@types[\\/]leaflet[\\/]/.test(declaration.getSourceFile().fileName),
      );
    }

    function checkLeaflet(node) {
      if (!typed || !isLeaflet(node.callee)) return;
      const method = node.callee.type === 'MemberExpression' ? propertyName(node.callee.property) : undefined;
      const [first] = node.arguments;
      if (method && leafletContentMethods.has(method) && first && mayBeString(typeOf(first))) {
        context.report({ node: first, messageId: 'leafletString' });
        return;
      }
      for (const argument of node.arguments) {
        const type = typeOf(argument);
        for (const option of leafletContentOptions) {
          const property = type.getProperty(option);
          if (!property) continue;
          const declared = checker.getTypeOfSymbolAtLocation(
            property,
            services.esTreeNodeToTSNodeMap.get(argument),
          );
          if (mayBeString(checker.getNonNullableType(declared))) {
            context.report({ node: argument, messageId: 'leafletString' });
          }
        }
      }
    }

    return {
      AssignmentExpression(node) {
        if (node.left.type !== 'MemberExpression') return;
        const name = propertyName(node.left.property);
        if (htmlProperties.has(name)) context.report({ node, messageId: 'htmlProperty', data: { name } });
      },
      Property(node) {
        // `h('div', { innerHTML })` in a render function.
        const name = node.computed ? undefined : propertyName(node.key);
        if (htmlProperties.has(name)) context.report({ node, messageId: 'htmlProperty', data: { name } });
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type === 'MemberExpression') {
          const name = propertyName(callee.property);
          if (htmlMethods.has(name)) context.report({ node, messageId: 'htmlMethod', data: { name } });
          if (
            callee.object.type === 'Identifier' &&
            callee.object.name === 'document' &&
            (name === 'write' || name === 'writeln')
          ) {
            context.report({ node, messageId: 'documentWrite', data: { name } });
          }
        }
        checkLeaflet(node);
      },
      NewExpression: checkLeaflet,
    };
  },
};
