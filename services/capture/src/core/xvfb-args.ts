/** File descriptor on which Xvfb announces that its display accepts clients (`-displayfd`). */
export const XVFB_READY_FD = 3;

export const displayName = (display: number) => `:${display}`;

/**
 * One Xvfb screen the size of the grab. No TCP listener; `-noreset` keeps the server up when the
 * last client (Chromium) disconnects, so a page reload does not take the display away.
 */
export function buildXvfbArgs(display: number, size: { width: number; height: number }): string[] {
  return [
    displayName(display),
    '-screen',
    '0',
    `${size.width}x${size.height}x24`,
    '-nolisten',
    'tcp',
    '-noreset',
    '-displayfd',
    String(XVFB_READY_FD),
  ];
}
