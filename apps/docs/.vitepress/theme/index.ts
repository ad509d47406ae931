// The site theme: VitePress's default theme plus the live demos as global components, so any
// page (English or Chinese) can place <ForecastDemo />, <NamesDemo />, <G2pDemo /> or <StreamDemo />.

import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import ForecastDemo from './components/forecast-demo.vue';
import G2pDemo from './components/g2p-demo.vue';
import NamesDemo from './components/names-demo.vue';
import StreamDemo from './components/stream-demo.vue';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('ForecastDemo', ForecastDemo);
    app.component('NamesDemo', NamesDemo);
    app.component('G2pDemo', G2pDemo);
    app.component('StreamDemo', StreamDemo);
  },
};

export default theme;
