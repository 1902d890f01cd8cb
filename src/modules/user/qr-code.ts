// The enrolment QR code as a data: URL. `qrcode` is imported on first use, not at start:
// esbuild lifts a bundle's package imports to its top, and only an enrolment needs it.
export async function qrDataUrl(text: string): Promise<string> {
  const { default: QRCode } = await import('qrcode');
  return QRCode.toDataURL(text);
}
