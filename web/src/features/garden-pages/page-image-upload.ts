import type { Editor, FileLoader, UploadAdapter, UploadResponse } from 'ckeditor5';
import { isApiError } from '../../api-client/request.ts';
import { uploadImage, type Publisher } from './garden-pages-api.ts';

/**
 * CKEditor's upload adapter for the pages' images: the file goes as the request's own body
 * (its type in Content-Type, no form) to the publisher's page-images route, through the app's
 * one request chain (the bearer token, refreshed; the reader's language), and the answer's
 * address goes in the page. The server checks the type by the file's first bytes and refuses
 * anything else (SVG included): its sentence is what the editor shows.
 */
export class PageImageUploadAdapter implements UploadAdapter {
  private readonly loader: FileLoader;
  private readonly publisher: Publisher;
  private readonly controller = new AbortController();

  constructor(loader: FileLoader, publisher: Publisher) {
    this.loader = loader;
    this.publisher = publisher;
  }

  async upload(): Promise<UploadResponse> {
    const file = await this.loader.file;
    if (!file) throw new Error('No file to upload.');
    try {
      const { url } = await uploadImage(this.publisher, file, this.controller.signal);
      return { default: url };
    } catch (error) {
      // CKEditor hands the rejection to its warning (see `pageImageUploads`): the API's sentence.
      if (isApiError(error)) throw new Error(error.message, { cause: error });
      throw error;
    }
  }

  abort(): void {
    this.controller.abort();
  }
}

/**
 * Wires the adapter into an editor, and hands CKEditor's warnings (an upload refused) to the
 * page rather than to `window.alert`, CKEditor's default.
 */
export function pageImageUploads(publisher: Publisher, onRefused: (message: string) => void) {
  return function PageImageUploads(editor: Editor): void {
    editor.plugins.get('FileRepository').createUploadAdapter = (loader) =>
      new PageImageUploadAdapter(loader, publisher);
    editor.plugins.get('Notification').on(
      'show:warning',
      (event, data: { message: unknown }) => {
        const { message } = data;
        onRefused(message instanceof Error ? message.message : String(message));
        event.stop();
      },
      { priority: 'high' },
    );
  };
}
