// The spam task's train/validation/test split, by campaign: the model reads only the body, and
// spam is re-sent with new headers, so splitting by a hash of the raw message put the same body
// on both sides. Here a message's split is a hash of its body's first CAMPAIGN_TOKENS words, so
// re-sent and near-identical messages share a split, and repeated bodies are kept once.

import { splitOfKey, type Splits } from '@recur/datasets';
import { SPAM_ASSASSIN_SPLIT } from '@recur/datasets/corpora/spam-assassin';
import { WordTokenizer } from '@recur/tokenizers';

/** Words of the body opening that name a campaign (24: the largest group is 50 of 6,046 mails). */
export const CAMPAIGN_TOKENS = 24;

export interface SpamMessage {
  readonly body: string;
  /** 0 ham, 1 spam. */
  readonly target: number;
}

export interface SpamSplitStats {
  /** Messages dropped because an earlier message has the same body (up to whitespace). */
  readonly duplicates: number;
  /** Distinct campaign keys among the kept messages. */
  readonly campaigns: number;
}

const words = new WordTokenizer({ lowercase: true });

/**
 * The first `count` lower-cased word tokens of `text`, tokenizing only as much text as needed
 * (some bodies run to megabytes); a slice boundary can cut a word, so one extra token is read.
 */
export function firstWords(text: string, count: number): string[] {
  for (let chars = 32 * count; ; chars *= 4) {
    const tokens = words.tokenize(text.slice(0, chars));
    if (tokens.length > count || chars >= text.length) return tokens.slice(0, count);
  }
}

/** The body with runs of whitespace made one space: bodies equal under it are one message. */
const normalised = (body: string) => body.replace(/\s+/g, ' ').trim();

/** The split key: the body's opening words, the same for every copy of a campaign's mail. */
export const campaignKey = (body: string) => firstWords(body, CAMPAIGN_TOKENS).join(' ');

/**
 * Split messages 80/10/10 by a hash of their campaign key (in the given order within each part),
 * keeping only the first message of each distinct body.
 */
export function splitByCampaign<M extends SpamMessage>(messages: readonly M[]): Splits<M[]> & { readonly stats: SpamSplitStats } {
  const seen = new Set<string>();
  const campaigns = new Set<string>();
  const splits: Splits<M[]> = { train: [], validation: [], test: [] };
  let duplicates = 0;
  for (const message of messages) {
    const body = normalised(message.body);
    if (seen.has(body)) {
      duplicates++;
      continue;
    }
    seen.add(body);
    const key = campaignKey(message.body);
    campaigns.add(key);
    splits[splitOfKey(key, SPAM_ASSASSIN_SPLIT)].push(message);
  }
  return { ...splits, stats: { duplicates, campaigns: campaigns.size } };
}
