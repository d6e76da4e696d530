import type { ProcessingRegister } from '../../../../domain/processing-register.ts';
import { request, requestFile } from '../../api-client/request.ts';

const path = '/network/processing-register';

/** The register in the app's language (the request chain sends it as Accept-Language). */
export const getProcessingRegister = () => request<ProcessingRegister>('GET', path, { toast: false });

/** The register as a PDF, with the file name the API gives it. */
export const downloadProcessingRegister = () => requestFile(path, { query: { format: 'pdf' }, toast: false });
