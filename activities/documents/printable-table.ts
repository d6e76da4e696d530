import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { printable } from '../../domain/pdf-text.ts';

/**
 * Printable A4 documents made of a title, a few lines of context and one table, paginated,
 * with the page number and the date printed at the bottom. Enough for the sheets a garden
 * prints every week, with no layout engine to install.
 */
export interface PrintableTable {
  title: string;
  subtitle: string[];
  columns: Array<{ header: string; width: number; align?: 'left' | 'right' }>;
  rows: string[][];
  /** Extra height per row, e.g. room to sign. */
  rowHeight?: number;
  footer: string;
  /** Shown instead of the table when there are no rows. */
  empty: string;
}

const pageSize: [number, number] = [595.28, 841.89];
const margin = 40;
const ink = rgb(0.1, 0.12, 0.1);
const soft = rgb(0.4, 0.42, 0.4);
const line = rgb(0.75, 0.77, 0.75);

export { printable };

/** Cuts a text to fit a width, with an ellipsis. */
function fit(text: string, font: PDFFont, size: number, width: number): string {
  const safe = printable(text);
  if (font.widthOfTextAtSize(safe, size) <= width) return safe;
  let cut = safe;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

export async function printableTablePdf(document: PrintableTable): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(printable(document.title));
  pdf.setProducer('Cocagne');
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const totalWidth = pageSize[0] - 2 * margin;
  const unit = totalWidth / document.columns.reduce((sum, column) => sum + column.width, 0);
  const widths = document.columns.map((column) => column.width * unit);
  const rowHeight = 18 + (document.rowHeight ?? 0);

  const pages: PDFPage[] = [];
  let page = pdf.addPage(pageSize);
  pages.push(page);
  let y = pageSize[1] - margin;

  page.drawText(fit(document.title, bold, 16, totalWidth), {
    x: margin,
    y: y - 16,
    size: 16,
    font: bold,
    color: ink,
  });
  y -= 28;
  for (const text of document.subtitle) {
    page.drawText(fit(text, regular, 10, totalWidth), {
      x: margin,
      y: y - 10,
      size: 10,
      font: regular,
      color: soft,
    });
    y -= 14;
  }
  y -= 8;

  const drawHeader = () => {
    let x = margin;
    page.drawRectangle({ x: margin, y: y - 18, width: totalWidth, height: 18, color: rgb(0.92, 0.95, 0.92) });
    document.columns.forEach((column, index) => {
      const width = widths[index] ?? 0;
      const text = fit(column.header, bold, 9, width - 8);
      const offset = column.align === 'right' ? width - 4 - bold.widthOfTextAtSize(text, 9) : 4;
      page.drawText(text, { x: x + offset, y: y - 13, size: 9, font: bold, color: ink });
      x += width;
    });
    y -= 18;
  };

  if (document.rows.length === 0) {
    page.drawText(fit(document.empty, regular, 11, totalWidth), {
      x: margin,
      y: y - 12,
      size: 11,
      font: regular,
      color: soft,
    });
  } else {
    drawHeader();
    for (const row of document.rows) {
      if (y - rowHeight < margin + 24) {
        page = pdf.addPage(pageSize);
        pages.push(page);
        y = pageSize[1] - margin;
        drawHeader();
      }
      let x = margin;
      row.forEach((cell, index) => {
        const column = document.columns[index];
        const width = widths[index] ?? 0;
        const text = fit(cell, regular, 10, width - 8);
        const offset = column?.align === 'right' ? width - 4 - regular.widthOfTextAtSize(text, 10) : 4;
        page.drawText(text, { x: x + offset, y: y - 13, size: 10, font: regular, color: ink });
        x += width;
      });
      y -= rowHeight;
      page.drawLine({
        start: { x: margin, y },
        end: { x: margin + totalWidth, y },
        thickness: 0.5,
        color: line,
      });
    }
  }

  pages.forEach((each, index) => {
    const text = printable(`${document.footer} — page ${index + 1} / ${pages.length}`);
    each.drawText(text, { x: margin, y: margin - 16, size: 8, font: regular, color: soft });
  });
  return pdf.save();
}
