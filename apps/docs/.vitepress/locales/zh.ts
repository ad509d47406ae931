// Chinese navigation: the top bar and the guide's sidebar under /zh/.

import type { DefaultTheme } from 'vitepress';

export const zhNav: DefaultTheme.NavItem[] = [
  { text: '指南', link: '/zh/guide/getting-started' },
  { text: '在线演示', link: '/zh/demos/forecast' },
  { text: 'API', link: '/api/' },
  { text: '迁移', link: '/zh/guide/migrating' },
];

export const zhGuide: DefaultTheme.SidebarItem[] = [
  {
    text: '入门',
    items: [
      { text: '快速上手', link: '/zh/guide/getting-started' },
      { text: '为什么需要 RNN', link: '/zh/guide/why-rnns' },
      { text: '基本 RNN', link: '/zh/guide/vanilla-rnn' },
      { text: '双向、深层、LSTM 与 GRU', link: '/zh/guide/variants' },
      { text: '三个参考模型', link: '/zh/guide/reference-models' },
    ],
  },
  {
    text: '实践',
    items: [
      { text: '训练技巧', link: '/zh/guide/training' },
      { text: '典型应用', link: '/zh/guide/applications' },
      { text: '流式处理与在线学习', link: '/zh/guide/streaming' },
      { text: '压缩与部署', link: '/zh/guide/deployment' },
      { text: '局限与对策', link: '/zh/guide/limits' },
      { text: '最佳实践', link: '/zh/guide/best-practices' },
      { text: '从 PyTorch 与 TF.js 迁移', link: '/zh/guide/migrating' },
      { text: '后端，以及如何编写后端', link: '/zh/guide/writing-a-backend' },
    ],
  },
  {
    text: '在线演示',
    items: [
      { text: '出生数预测（LSTM）', link: '/zh/demos/forecast' },
      { text: '姓名分类（GRU）', link: '/zh/demos/names' },
      { text: '字母到音素（注意力）', link: '/zh/demos/g2p' },
      { text: '边到达边学习（LSTM）', link: '/zh/guide/streaming#live-demo' },
    ],
  },
  { text: 'API 参考（英文）', link: '/api/' },
];
