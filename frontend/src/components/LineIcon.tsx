/** The one drawing of this project's line icons: a 24×24 stroked path, decorative (hidden from
 * screen readers: the button or link around it carries the name). */
export function LineIcon({ d, size = 16, className }: { d: string; size?: number; className?: string }) {
  return (
    <svg
      className={className}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={d} />
    </svg>
  );
}
