// recur predict prints a prediction's coloured lines only on a colour terminal: not when piped,
// not with NO_COLOR set (no-color.org), not on TERM=dumb; predictions without colours print plain.

import { describe, expect, it } from 'vitest';
import { predictionText } from './checkpoint-commands.js';

const coloured = { value: null, text: 'spam\nmost attended: free 0.40', terminalText: 'spam\n\x1b[48;2;8;48;107mfree\x1b[0m' };

describe('predictionText', () => {
  it('shows terminalText on a terminal and text everywhere else', () => {
    expect(predictionText(coloured, true, {})).toBe(coloured.terminalText);
    expect(predictionText(coloured, false, {})).toBe(coloured.text);
    expect(predictionText(coloured, true, { NO_COLOR: '1' })).toBe(coloured.text);
    expect(predictionText(coloured, true, { NO_COLOR: '' })).toBe(coloured.terminalText);
    expect(predictionText(coloured, true, { TERM: 'dumb' })).toBe(coloured.text);
    expect(predictionText({ value: null, text: 'ham' }, true, {})).toBe('ham');
  });
});
