// What the attention-pooled spam model read: each token of a message with its weight α_t (they
// sum to 1), as JSON, as a plain list of the most-attended tokens, and as the message with each
// token's background shaded by α_t / max α (24-bit ANSI colours, for a terminal).

export interface AttendedToken {
  readonly token: string;
  readonly weight: number;
}

/** The `count` tokens with the largest weights, largest first (ties: earlier first). */
export function mostAttended(tokens: readonly AttendedToken[], count: number): AttendedToken[] {
  return tokens
    .map((t, i) => ({ t, i }))
    .sort((a, b) => b.t.weight - a.t.weight || a.i - b.i)
    .slice(0, count)
    .map(({ t }) => t);
}

/** "free 0.31, money 0.12, …": the most attended tokens with their weights. */
export function attentionSummary(tokens: readonly AttendedToken[], count = 8): string {
  return mostAttended(tokens, count)
    .map(({ token, weight }) => `${token} ${weight.toFixed(2)}`)
    .join(', ');
}

const WHITE = [255, 255, 255] as const;
const DEEP = [8, 48, 107] as const; // the darkest blue of Vega's "blues", as on the docs heatmap

/** The message with every token on a background from white (no weight) to deep blue (the maximum). */
export function colourByAttention(tokens: readonly AttendedToken[]): string {
  const top = Math.max(...tokens.map((t) => t.weight), Number.MIN_VALUE);
  return tokens
    .map(({ token, weight }) => {
      const r = Math.min(1, Math.max(0, weight / top));
      const [red, green, blue] = WHITE.map((w, c) => Math.round(w + (DEEP[c]! - w) * r));
      const ink = r > 0.5 ? '255;255;255' : '0;0;0';
      return `\x1b[48;2;${red};${green};${blue}m\x1b[38;2;${ink}m${token}\x1b[0m`;
    })
    .join(' ');
}
