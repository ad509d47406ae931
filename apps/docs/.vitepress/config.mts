// VitePress config: English at the root, Chinese under /zh/, the API reference that TypeDoc
// writes into api/, math for the RNN equations, and Recur resolved from the workspace sources.

import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type DefaultTheme } from 'vitepress';
import { enGuide, enNav } from './locales/en.js';
import { zhGuide, zhNav } from './locales/zh.js';

const apiSidebarFile = new URL('../api/typedoc-sidebar.json', import.meta.url);
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile) ? JSON.parse(readFileSync(apiSidebarFile, 'utf8')) : [];

export default defineConfig({
  title: 'Recur',
  description: 'Recurrent neural networks for TypeScript, on the CPU or WebGPU',
  srcExclude: ['README.md', 'snippets/**', 'test/**', 'e2e/**', 'scripts/**', 'api-entries/**'],
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  markdown: { math: true },
  vite: {
    resolve: { conditions: ['@recur/source'] },
    ssr: { resolve: { conditions: ['@recur/source'] } },
    worker: { format: 'es' },
    // The API pages and the local search index are large by nature.
    build: { chunkSizeWarningLimit: 2500 },
  },
  locales: {
    root: {
      label: 'English',
      lang: 'en-US',
      themeConfig: {
        nav: enNav,
        sidebar: { '/guide/': enGuide, '/demos/': enGuide, '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar }] },
      },
    },
    zh: {
      label: '简体中文',
      lang: 'zh-CN',
      description: '面向 TypeScript 的循环神经网络库，可在 CPU 或 WebGPU 上运行',
      themeConfig: {
        nav: zhNav,
        sidebar: { '/zh/': zhGuide },
        outline: { label: '本页目录' },
        docFooter: { prev: '上一页', next: '下一页' },
        langMenuLabel: '切换语言',
        returnToTopLabel: '回到顶部',
        sidebarMenuLabel: '目录',
        darkModeSwitchLabel: '外观',
      },
    },
  },
  themeConfig: {
    search: { provider: 'local' },
    outline: [2, 3],
  },
});
