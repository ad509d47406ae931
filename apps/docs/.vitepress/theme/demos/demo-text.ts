// The demos' words in English and Chinese; a component picks its table from VitePress's `lang`.

const en = {
  train: 'Train',
  training: 'Training…',
  again: 'Train again',
  backend: 'Backend',
  auto: 'auto (WebGPU if available)',
  cpuOnly: 'CPU only',
  waiting: 'not started',
  fallback: 'WebGPU unavailable',
  step: 'step',
  date: 'date',
  epoch: 'epoch',
  firstLoss: 'first loss',
  lastLoss: 'latest loss',
  seconds: 's',
  lossTitle: 'Training loss (per step)',
  loss: 'loss',
  forecastTitle: 'Held-out forecast, January to March 1988',
  actual: 'actual births',
  forecast: 'one-day-ahead forecast',
  births: 'births per day',
  mae: 'held-out mean absolute error',
  accuracy: 'validation accuracy',
  accuracyTitle: 'Validation accuracy (%) after each epoch',
  typeName: 'Type a name',
  prediction: 'The model says',
  classNames: { female: 'female', male: 'male' } as Record<string, string>,
  trainFirst: 'Train the model first, then type a name.',
};

export type DemoText = typeof en;

const zh: DemoText = {
  train: '开始训练',
  training: '训练中…',
  again: '重新训练',
  backend: '后端',
  auto: '自动（有 WebGPU 就用）',
  cpuOnly: '只用 CPU',
  waiting: '尚未开始',
  fallback: 'WebGPU 不可用',
  step: '步',
  date: '日期',
  epoch: '轮',
  firstLoss: '初始损失',
  lastLoss: '最新损失',
  seconds: '秒',
  lossTitle: '训练损失（每步）',
  loss: '损失',
  forecastTitle: '留出期预测：1988 年 1 月至 3 月',
  actual: '实际出生数',
  forecast: '提前一天的预测',
  births: '每日出生数',
  mae: '留出期平均绝对误差',
  accuracy: '验证集准确率',
  accuracyTitle: '每轮结束后的验证集准确率（%）',
  typeName: '输入一个名字',
  prediction: '模型判断',
  classNames: { female: '女性', male: '男性' },
  trainFirst: '请先训练模型，再输入名字。',
};

export function demoText(lang: string): DemoText {
  return lang.toLowerCase().startsWith('zh') ? zh : en;
}
