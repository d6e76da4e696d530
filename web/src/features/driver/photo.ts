/** Proof photos: taken on the phone, made small enough to send on a weak network and to keep. */

/** The longest side a photo keeps, in pixels. */
export const photoMaxSide = 1600;

/** The size a photo is drawn at: its longest side at most `max`, its proportions kept, never enlarged. */
export function scaledSize(
  width: number,
  height: number,
  max = photoMaxSide,
): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= max) return { width, height };
  const ratio = max / longest;
  return { width: Math.round(width * ratio), height: Math.round(height * ratio) };
}

async function imageOf(file: Blob): Promise<{ image: CanvasImageSource; width: number; height: number }> {
  if (typeof createImageBitmap === 'function') {
    // Turned as the camera held it (EXIF orientation), where the browser knows how.
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    return { image: bitmap, width: bitmap.width, height: bitmap.height };
  }
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return { image, width: image.naturalWidth, height: image.naturalHeight };
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The photo as a JPEG whose longest side is at most 1600 px, drawn on a canvas. */
export async function downscalePhoto(file: Blob, quality = 0.82): Promise<Blob> {
  const { image, width, height } = await imageOf(file);
  const size = scaledSize(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D canvas to shrink the photo.');
  context.drawImage(image, 0, 0, size.width, size.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The photo could not be encoded as JPEG.'))),
      'image/jpeg',
      quality,
    ),
  );
}

/** A blob as a data URL, to keep it on the phone with its mark. */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('The photo could not be read.'));
    reader.readAsDataURL(blob);
  });
}

/** A data URL back as a blob, to upload it. */
export function blobOf(dataUrl: string): Blob {
  const comma = dataUrl.indexOf(',');
  const header = dataUrl.slice(5, comma);
  const type = header.split(';')[0] || 'application/octet-stream';
  const bytes = Uint8Array.from(atob(dataUrl.slice(comma + 1)), (char) => char.charCodeAt(0));
  return new Blob([bytes], { type });
}
