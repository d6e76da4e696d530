import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { wrapText } from './documents/journal-pdf.ts';
import { printable } from '../domain/pdf-text.ts';

/** One part of the member's data: a heading and a table (a key/value table for their record). */
export interface ExportSection {
  heading: string;
  columns: Array<{ header: string; width: number }>;
  rows: string[][];
  /** Said instead of the table when the member has nothing in this part. */
  empty: string;
}

export interface ExportPdfInput {
  title: string;
  subtitle: string[];
  sections: ExportSection[];
  footer: string;
}

const pageSize: [number, number] = [595.28, 841.89];
const margin = 40;
const ink = rgb(0.1, 0.12, 0.1);
const soft = rgb(0.4, 0.42, 0.4);
const rule = rgb(0.75, 0.77, 0.75);
const size = 9;
const lineHeight = 12;

/** Characters that fit a width in Helvetica 9 pt, roughly (wrapping never cuts a value). */
const charsIn = (width: number) => Math.max(4, Math.floor(width / 4.6));

/**
 * The member's data as a readable A4 PDF: a title, then each section under its heading with
 * its table, every value wrapped over as many lines as it takes (nothing is cut: it is their
 * data). Texts are printed as text: nothing in them is read as markup.
 */
export async function memberDataExportPdf(input: ExportPdfInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(printable(input.title));
  pdf.setProducer('Cocagne');
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const totalWidth = pageSize[0] - 2 * margin;

  let page: PDFPage = pdf.addPage(pageSize);
  let y = pageSize[1] - margin;
  const write = (text: string, x: number, font: PDFFont, fontSize: number, color = ink) =>
    page.drawText(printable(text), { x, y, size: fontSize, font, color });
  const room = (height: number) => {
    if (y - height >= margin + 20) return;
    page = pdf.addPage(pageSize);
    y = pageSize[1] - margin;
  };

  write(input.title, margin, bold, 16);
  y -= 22;
  for (const line of input.subtitle) {
    write(line, margin, regular, 10, soft);
    y -= 14;
  }

  for (const section of input.sections) {
    room(60);
    y -= 14;
    write(section.heading, margin, bold, 13);
    y -= 18;
    if (section.rows.length === 0) {
      write(section.empty, margin, regular, size, soft);
      y -= lineHeight;
      continue;
    }
    const unit = totalWidth / section.columns.reduce((sum, column) => sum + column.width, 0);
    const widths = section.columns.map((column) => column.width * unit);
    const drawRow = (cells: string[], font: PDFFont) => {
      const lines = cells.map((cell, index) => wrapText(cell, charsIn((widths[index] ?? 0) - 6)));
      const height = Math.max(...lines.map((cellLines) => cellLines.length)) * lineHeight + 4;
      room(height);
      let x = margin;
      lines.forEach((cellLines, index) => {
        cellLines.forEach((text, lineIndex) => {
          page.drawText(printable(text), { x: x + 2, y: y - lineIndex * lineHeight, size, font, color: ink });
        });
        x += widths[index] ?? 0;
      });
      y -= height;
      page.drawLine({
        start: { x: margin, y: y + lineHeight - 2 },
        end: { x: margin + totalWidth, y: y + lineHeight - 2 },
        thickness: 0.5,
        color: rule,
      });
    };
    drawRow(
      section.columns.map((column) => column.header),
      bold,
    );
    for (const row of section.rows) drawRow(row, regular);
  }

  const pages = pdf.getPages();
  pages.forEach((each, index) => {
    each.drawText(printable(`${input.footer} - ${index + 1}/${pages.length}`), {
      x: margin,
      y: margin - 14,
      size: 8,
      font: regular,
      color: soft,
    });
  });
  return pdf.save();
}
