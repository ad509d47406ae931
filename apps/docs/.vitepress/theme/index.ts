// The site theme: VitePress's default theme plus the live demos as global components, so any
// page (English or Chinese) can place <ForecastDemo /> or <NamesDemo />.

import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import ForecastDemo from './components/forecast-demo.vue';
import NamesDemo from './components/names-demo.vue';
import './custom.css';

const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('ForecastDemo', ForecastDemo);
    app.component('NamesDemo', NamesDemo);
  },
};

export default theme;
