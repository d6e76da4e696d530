// The register of processing activities (RGPD article 30) for network administrators: built from
// the product's data model by domain/processing-register.ts, answered as JSON or as a PDF.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import Type from 'typebox';
import { processingRegister, ProcessingRegister } from '../../domain/processing-register.ts';
import { errorAnswers, fileAnswer } from '../schemas.ts';
import { requireRole } from '../plugins/auth.ts';
import { printable } from '../../domain/pdf-text.ts';

const RegisterQuery = Type.Object(
  { format: Type.Enum(['json', 'pdf'], { default: 'json' }) },
  { additionalProperties: false },
);

const pageSize: [number, number] = [595.28, 841.89];
const margin = 48;

/** Words cut into lines no wider than `width` points. */
function linesOf(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of printable(text).split(/\s+/).filter(Boolean)) {
    const tried = current ? `${current} ${word}` : word;
    if (font.widthOfTextAtSize(tried, size) <= width || !current) current = tried;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  return lines;
}

/** The register as a printable A4 document: each activity under its name, then the processors. */
export async function processingRegisterPdf(
  register: ProcessingRegister,
  printedOn: string,
): Promise<Uint8Array> {
  const fr = register.locale === 'fr';
  const pdf = await PDFDocument.create();
  pdf.setTitle(printable(register.title));
  pdf.setProducer('Cocagne');
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const width = pageSize[0] - 2 * margin;
  const ink = rgb(0.1, 0.12, 0.1);
  const pages: PDFPage[] = [];
  let page = pdf.addPage(pageSize);
  pages.push(page);
  let y = pageSize[1] - margin;

  const write = (text: string, font: PDFFont, size: number, indent = 0, gapAfter = 2) => {
    for (const line of linesOf(text, font, size, width - indent)) {
      if (y - size < margin + 20) {
        page = pdf.addPage(pageSize);
        pages.push(page);
        y = pageSize[1] - margin;
      }
      page.drawText(line, { x: margin + indent, y: y - size, size, font, color: ink });
      y -= size + gapAfter;
    }
  };
  const labelled = (label: string, items: readonly string[]) => {
    if (items.length === 0) return;
    write(label, bold, 10, 0, 2);
    for (const item of items) write(`• ${item}`, regular, 10, 10, 2);
    y -= 4;
  };

  write(register.title, bold, 16, 0, 8);
  write(`${fr ? 'Responsable du traitement' : 'Controller'} : ${register.controller}`, regular, 10, 0, 12);
  const names = new Map(register.processors.map((processor) => [processor.id, processor.name]));
  for (const activity of register.activities) {
    y -= 6;
    write(activity.name, bold, 13, 0, 6);
    labelled(fr ? 'Finalités' : 'Purposes', activity.purposes);
    labelled(fr ? 'Base légale' : 'Legal basis', activity.legalBasis);
    labelled(fr ? 'Personnes concernées' : 'Data subjects', activity.people);
    labelled(
      fr ? 'Catégories de données' : 'Categories of data',
      activity.dataCategories.map((category) => category.label),
    );
    labelled(fr ? 'Destinataires' : 'Recipients', activity.recipients);
    labelled(
      fr ? 'Sous-traitants' : 'Processors',
      activity.processors.map((id) => names.get(id) ?? id),
    );
    labelled(fr ? 'Transferts hors UE' : 'Transfers outside the EU', activity.transfers);
    labelled(fr ? 'Durées de conservation' : 'Retention', activity.retention);
    labelled(fr ? 'Mesures de sécurité' : 'Security measures', activity.securityMeasures);
  }
  y -= 8;
  write(fr ? 'Sous-traitants' : 'Processors', bold, 13, 0, 6);
  for (const processor of register.processors) {
    write(processor.name, bold, 10, 0, 2);
    write(`${processor.services} — ${processor.role}`, regular, 10, 10, 2);
    if (processor.transfer) write(processor.transfer, regular, 10, 10, 2);
    y -= 4;
  }

  pages.forEach((each, index) => {
    const footer = printable(
      `${fr ? 'Imprimé le' : 'Printed on'} ${printedOn} — ${fr ? 'page' : 'page'} ${index + 1}/${pages.length}`,
    );
    each.drawText(footer, { x: margin, y: margin - 16, size: 8, font: regular, color: rgb(0.4, 0.42, 0.4) });
  });
  return pdf.save();
}

/** `GET /network/processing-register`: the register, network administrators only. */
export const processingRegisterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const networkAdminOnly = async (request: FastifyRequest) => {
    await app.authenticate(request);
    requireRole(request, ['network-admin']);
  };

  app.get(
    '/network/processing-register',
    {
      onRequest: networkAdminOnly,
      schema: {
        tags: ['network'],
        summary:
          'The register of processing activities (RGPD article 30), built from the data model: purposes, legal ' +
          'basis, categories of people and data, recipients, processors, transfers, retention and security ' +
          'measures, in the caller’s language (Accept-Language). `format=pdf` for the printable document. ' +
          'Network administrators only.',
        security: [{ bearer: [] }],
        querystring: RegisterQuery,
        response: {
          200: {
            description: 'The register (JSON), or its PDF.',
            content: {
              'application/json': { schema: ProcessingRegister },
              'application/pdf': fileAnswer('application/pdf', '').content['application/pdf'],
            },
          },
          ...errorAnswers,
        },
      },
    },
    async (request, reply) => {
      const register = processingRegister(request.locale);
      if (request.query.format === 'json') return register;
      const printedOn = app.now().toISOString().slice(0, 10);
      const pdf = await processingRegisterPdf(register, printedOn);
      const fileName = request.locale === 'fr' ? 'registre-des-traitements' : 'processing-register';
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${fileName}.pdf"`)
        .send(Buffer.from(pdf));
    },
  );
};
