// The first police-room page: log in, watch the alert wall live, acknowledge.
// zh-CN first, English switchable; times shown in Asia/Shanghai.

const texts = {
  'zh-CN': {
    title: '警务室告警墙',
    logout: '退出',
    loginTitle: '值班人员登录',
    username: '用户名',
    password: '密码',
    login: '登录',
    calm: '暂无待处理告警',
    acknowledge: '确认',
    badLogin: '用户名或密码错误',
    tooMany: '尝试次数过多，请稍后再试',
    language: 'English',
    online: '实时连接',
    offline: '连接中断，正在重连',
    states: { new: '新告警', acknowledged: '已确认', dispatched: '已派单', resolved: '处置完成' },
    types: {
      sos: 'SOS 一键呼叫',
      fall: '跌倒报警',
      band_removed: '手环被摘下',
      low_battery: '手环电量低',
    },
    severities: { critical: '紧急', warning: '警告', info: '提示' },
    subject: {
      band: '手环',
      gate: '门禁',
      camera: '摄像头',
      zone: '区域',
      patrol: '巡更',
      resident: '居民',
    },
    times: '次',
  },
  en: {
    title: 'Police-room alert wall',
    logout: 'Log out',
    loginTitle: 'Duty staff login',
    username: 'Username',
    password: 'Password',
    login: 'Log in',
    calm: 'No open alerts',
    acknowledge: 'Acknowledge',
    badLogin: 'Wrong username or password',
    tooMany: 'Too many attempts; wait a minute',
    language: '中文',
    online: 'Live',
    offline: 'Connection lost; reconnecting',
    states: {
      new: 'New',
      acknowledged: 'Acknowledged',
      dispatched: 'Dispatched',
      resolved: 'Resolved',
    },
    types: {
      sos: 'SOS call',
      fall: 'Fall',
      band_removed: 'Band removed',
      low_battery: 'Low battery',
    },
    severities: { critical: 'Critical', warning: 'Warning', info: 'Notice' },
    subject: {
      band: 'Band',
      gate: 'Gate',
      camera: 'Camera',
      zone: 'Zone',
      patrol: 'Patrol',
      resident: 'Resident',
    },
    times: '×',
  },
};

let language = localStorage.getItem('haven.language') || 'zh-CN';
/** alert id → alert, the open alerts on the wall */
const alerts = new Map();
let socket;
let reconnectTimer;

const time = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const $ = (id) => document.getElementById(id);
const t = () => texts[language];

function applyLanguage() {
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll('[data-text]')) {
    element.textContent = t()[element.dataset.text];
  }
  $('language').textContent = t().language;
  render();
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    credentials: 'same-origin',
    ...options,
    headers: options.body ? { 'content-type': 'application/json' } : {},
  });
  if (response.status === 401 && path !== '/api/auth/login') showLogin();
  return response;
}

function showLogin() {
  socket?.close();
  $('login').hidden = false;
  $('wall').hidden = true;
  $('logout').hidden = true;
}

async function showWall() {
  $('login').hidden = true;
  $('wall').hidden = false;
  $('logout').hidden = false;
  await resync();
  connect();
}

async function resync() {
  const response = await api('/api/alerts?state=new&state=acknowledged&state=dispatched');
  if (!response.ok) return;
  alerts.clear();
  for (const alert of await response.json()) alerts.set(alert.id, alert);
  render();
}

function connect() {
  clearTimeout(reconnectTimer);
  const url = new URL('/api/live', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(url);
  socket.onopen = () => setConnection(true);
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.type !== 'alert') return;
    if (data.alert.state === 'resolved') alerts.delete(data.alert.id);
    else alerts.set(data.alert.id, data.alert);
    render();
  };
  socket.onclose = () => {
    setConnection(false);
    if ($('wall').hidden) return;
    reconnectTimer = setTimeout(async () => {
      await resync();
      connect();
    }, 2000);
  };
}

function setConnection(online) {
  $('connection').dataset.state = online ? 'online' : 'offline';
  $('connection').textContent = online ? t().online : t().offline;
}

const severityRank = { critical: 0, warning: 1, info: 2 };

function render() {
  const list = $('alerts');
  const sorted = [...alerts.values()].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      b.receivedAt.localeCompare(a.receivedAt),
  );
  list.replaceChildren(...sorted.map(renderAlert));
  $('calm').hidden = sorted.length > 0;
}

function renderAlert(alert) {
  const item = document.createElement('li');
  item.className = 'alert';
  item.dataset.id = alert.id;
  item.dataset.type = alert.type;
  item.dataset.severity = alert.severity;
  item.dataset.state = alert.state;

  const what = document.createElement('div');
  what.className = 'what';
  const repeats = alert.occurrences > 1 ? ` (${alert.occurrences}${t().times})` : '';
  what.textContent =
    `${t().severities[alert.severity]} · ${t().types[alert.type] ?? alert.type}` + repeats;

  const meta = document.createElement('div');
  meta.className = 'meta';
  meta.textContent = [
    `${t().subject[alert.subject.kind] ?? alert.subject.kind} ${alert.subject.id}`,
    time.format(new Date(alert.raisedAt)),
    t().states[alert.state],
  ].join(' · ');

  const actions = document.createElement('div');
  actions.style.gridRow = 'span 2';
  if (alert.state === 'new') {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'acknowledge';
    button.textContent = t().acknowledge;
    button.onclick = async () => {
      button.disabled = true;
      const response = await api(`/api/alerts/${alert.id}/acknowledge`, {
        method: 'POST',
        body: '{}',
      });
      if (response.ok) {
        const changed = await response.json();
        alerts.set(changed.id, changed);
        render();
      } else {
        button.disabled = false;
      }
    };
    actions.append(button);
  }
  item.append(what, actions, meta);
  return item;
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const response = await api('/api/auth/login', {
    method: 'POST',
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  if (response.ok) {
    $('login-error').textContent = '';
    await showWall();
  } else {
    $('login-error').textContent = response.status === 429 ? t().tooMany : t().badLogin;
  }
});

$('logout').addEventListener('click', async () => {
  await api('/api/auth/logout', { method: 'POST', body: '{}' });
  showLogin();
});

$('language').addEventListener('click', () => {
  language = language === 'zh-CN' ? 'en' : 'zh-CN';
  localStorage.setItem('haven.language', language);
  applyLanguage();
});

applyLanguage();
const me = await api('/api/auth/me');
if (me.ok) await showWall();
else showLogin();
