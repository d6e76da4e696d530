import sanitizeHtml from 'sanitize-html';
import { pageImageIdPattern } from './garden-pages.ts';

/**
 * The HTML of the garden's pages, as the server keeps and serves it: whatever the editor (or
 * anyone calling the API) sends goes through `sanitizePageHtml` at every save and publish. Only
 * the structure CKEditor writes survives: headings, paragraphs, emphasis, lists, quotes, links,
 * the publisher's own images, tables. No script, no style, no event handler, no other origin's
 * image, no attribute beyond those listed.
 */

export const pageHtmlTags = [
  'h2',
  'h3',
  'h4',
  'p',
  'br',
  'hr',
  'strong',
  'em',
  'u',
  's',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'figure',
  'figcaption',
  'img',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
] as const;

/** Elements dropped with everything in them (their text means nothing on a page, or worse). */
const droppedWithContent = [
  'script',
  'style',
  'textarea',
  'option',
  'select',
  'noscript',
  'noembed',
  'noframes',
  'template',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'head',
  'title',
  'xmp',
];

/** A name no allowed tag has: an element renamed to it is dropped (an image from elsewhere). */
const droppedTag = 'cocagne-dropped';

const linkSchemes = ['http', 'https', 'mailto', 'tel'];

/**
 * The link's target as written, if it may stay: http(s), mailto: or tel:, or a path of this
 * site. Browsers ignore control characters and spaces inside a scheme (« jav&#9;ascript: »),
 * so the scheme is read without them; a protocol-relative address (« //ailleurs.example ») and
 * its backslash forms lead to another site without saying so, and are refused.
 */
export function allowedHref(href: string | undefined): { href: string; external: boolean } | undefined {
  const written = href?.trim();
  if (!written) return undefined;
  const compact = written.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]+/g,
    '',
  );
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!linkSchemes.includes(scheme)) return undefined;
    return { href: written, external: scheme === 'http' || scheme === 'https' };
  }
  // No scheme: a path. Not one that names another host, nor one a colon could make a scheme of.
  if (/^[/\\]{2}/.test(compact) || /^[/\\][\\]/.test(compact)) return undefined;
  if (/^[^/?#]*:/.test(compact)) return undefined;
  return { href: written, external: false };
}

/** A size in pixels, or a cell span: 1 to 4 digits. */
const smallNumber = (value: string | undefined) =>
  value !== undefined && /^[1-9][0-9]{0,3}$/.test(value.trim()) ? value.trim() : undefined;

/**
 * Where the publisher's images are served, e.g. `/api/gardens/val-du-doubs/page-images/`: a
 * page's images are only those; an image from another origin or another garden is dropped.
 */
export interface PageHtmlOptions {
  imagePath: string;
}

const imageIdRegExp = new RegExp(pageImageIdPattern);

/** The page's HTML with only what a page may hold (see above). Never throws. */
export function sanitizePageHtml(html: string, { imagePath }: PageHtmlOptions): string {
  return sanitizeHtml(html, {
    allowedTags: [...pageHtmlTags],
    allowedAttributes: {
      a: ['href', 'rel'],
      img: ['src', 'alt', 'width', 'height'],
      th: ['colspan', 'rowspan'],
      td: ['colspan', 'rowspan'],
      figure: ['class'],
    },
    allowedSchemes: linkSchemes,
    // Images are paths of this site only (checked below): no scheme at all.
    allowedSchemesByTag: { img: [] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    nonTextTags: droppedWithContent,
    parseStyleAttributes: false,
    // Deeper elements are dropped (their text stays): no page is that deep, and the check reads it whole.
    nestingLimit: 64,
    enforceHtmlBoundary: false,
    transformTags: {
      // CKEditor's italic and bold buttons write <i> and <b> (with <strong> for bold): kept as
      // the emphasis they mean, without their attributes.
      i: () => ({ tagName: 'em', attribs: {} }),
      b: () => ({ tagName: 'strong', attribs: {} }),
      a: (_tag, attribs) => {
        const link = allowedHref(attribs.href);
        return {
          tagName: 'a',
          attribs: link ? { href: link.href, ...(link.external ? { rel: 'noopener noreferrer' } : {}) } : {},
        };
      },
      img: (_tag, attribs) => {
        const src = attribs.src?.trim() ?? '';
        const own =
          src.startsWith(imagePath) && imageIdRegExp.test(src.slice(imagePath.length)) && !/[?#]/.test(src);
        if (!own) return { tagName: droppedTag, attribs: {} };
        const width = smallNumber(attribs.width);
        const height = smallNumber(attribs.height);
        return {
          tagName: 'img',
          attribs: {
            src,
            ...(attribs.alt !== undefined ? { alt: attribs.alt } : {}),
            ...(width ? { width } : {}),
            ...(height ? { height } : {}),
          },
        };
      },
      th: (tag, attribs) => ({ tagName: tag, attribs: cellSpans(attribs) }),
      td: (tag, attribs) => ({ tagName: tag, attribs: cellSpans(attribs) }),
      figure: (_tag, attribs) => {
        const classes = (attribs.class ?? '').split(/\s+/);
        const kind = classes.includes('image') ? 'image' : classes.includes('table') ? 'table' : undefined;
        const kept: Record<string, string> = kind ? { class: kind } : {};
        return { tagName: 'figure', attribs: kept };
      },
    },
  });
}

function cellSpans(attribs: Record<string, string>): Record<string, string> {
  const colspan = smallNumber(attribs.colspan);
  const rowspan = smallNumber(attribs.rowspan);
  return { ...(colspan ? { colspan } : {}), ...(rowspan ? { rowspan } : {}) };
}
