// English navigation: the top bar and the guide's sidebar (shared by the guide and demo pages).

import type { DefaultTheme } from 'vitepress';

export const enNav: DefaultTheme.NavItem[] = [
  { text: 'Guide', link: '/guide/getting-started' },
  { text: 'Demos', link: '/demos/forecast' },
  { text: 'API', link: '/api/' },
  { text: 'Migrating', link: '/guide/migrating' },
];

export const enGuide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Start',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Why RNNs', link: '/guide/why-rnns' },
      { text: 'The vanilla RNN', link: '/guide/vanilla-rnn' },
      { text: 'Bidirectional, deep, LSTM, GRU', link: '/guide/variants' },
      { text: 'The three reference models', link: '/guide/reference-models' },
    ],
  },
  {
    text: 'Practice',
    items: [
      { text: 'Training', link: '/guide/training' },
      { text: 'Applications', link: '/guide/applications' },
      { text: 'Streaming and online learning', link: '/guide/streaming' },
      { text: 'Compression and deployment', link: '/guide/deployment' },
      { text: 'Limits and remedies', link: '/guide/limits' },
      { text: 'Best practices', link: '/guide/best-practices' },
      { text: 'Migrating from PyTorch and TF.js', link: '/guide/migrating' },
      { text: 'Backends, and writing one', link: '/guide/writing-a-backend' },
    ],
  },
  {
    text: 'Live demos',
    items: [
      { text: 'Births forecaster (LSTM)', link: '/demos/forecast' },
      { text: 'Name classifier (GRU)', link: '/demos/names' },
      { text: 'Grapheme to phoneme (attention)', link: '/demos/g2p' },
      { text: 'Learning as values arrive (LSTM)', link: '/guide/streaming#live-demo' },
    ],
  },
  { text: 'API reference', link: '/api/' },
];
