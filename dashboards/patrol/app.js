// The guard's phone page: log in, scan a checkpoint's QR code with the camera
// (where the browser can read QR codes) or type its code, and follow the round.
// Every scan is kept in localStorage, with the time it was made, until the hub
// has it: scans made without signal go out when the phone is back online.
// Known shortcoming: no service worker yet, so a reload without signal cannot load the page.

const queueKey = 'haven.patrol.queue';
const recentKey = 'haven.patrol.recent';
const offsetKey = 'haven.patrol.clockOffsetMs';
const codePattern = /^[A-Za-z0-9_.:-]{1,64}$/;
const retryMs = 15_000;
/** Clock differences below this are network delay, not a wrong phone clock. */
const clockSlackMs = 2_000;

const statusText = {
  queued: '待上传',
  recorded: '已上传',
  duplicate: '重复打卡',
  unknown_code: '未知编码',
  unknown_guard: '未登记人员',
  rejected: '被拒收',
};
const stopText = { pending: '待巡', on_time: '已巡', late: '迟到', missed: '漏巡' };
const stateText = {
  upcoming: '未到时间',
  waiting: '等待开始',
  not_started: '未按时开始',
  in_progress: '进行中',
  completed: '已完成',
  incomplete: '未完成',
};

const clock = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const $ = (id) => document.getElementById(id);
/** The logged-in guard: { username, displayName, role } */
let me;
let flushing = false;
let detector;

function load(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

function save(key, value) {
  localStorage.setItem(key, JSON.stringify(value));
}

/** Random, and unlike crypto.randomUUID also available on plain-HTTP pages. */
function newScanId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The hub's time as best known: the phone's clock corrected by the last answer. */
function hubNow() {
  return Date.now() + Number(localStorage.getItem(offsetKey) ?? 0);
}

function message(text, kind = 'ok') {
  $('scan-message').textContent = text;
  $('scan-message').dataset.kind = kind;
}

function setConnection(online) {
  $('connection').dataset.state = online ? 'online' : 'offline';
  $('connection').textContent = online ? '在线' : '离线';
}

function remember(entry) {
  const recent = load(recentKey, []).filter((item) => item.scanId !== entry.scanId);
  recent.unshift(entry);
  save(recentKey, recent.slice(0, 30));
}

function scan(rawCode) {
  const code = rawCode.trim();
  if (!codePattern.test(code)) {
    message('编码格式不正确，请核对后重试', 'error');
    return;
  }
  const entry = {
    scanId: newScanId(),
    code,
    time: new Date(hubNow()).toISOString(),
    guard: me.username,
  };
  save(queueKey, [...load(queueKey, []), entry]);
  remember({ ...entry, status: 'queued' });
  message(`已打卡 ${code}`);
  render();
  void flush();
}

/** Sends this guard's queued scans; keeps them when the hub cannot be reached. */
async function flush() {
  if (flushing || !me) return;
  const mine = load(queueKey, []).filter((entry) => entry.guard === me.username);
  if (mine.length === 0) return;
  flushing = true;
  try {
    const batch = mine.slice(0, 500).map(({ scanId, code, time }) => ({ scanId, code, time }));
    const response = await fetch('/api/patrol/scans', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scans: batch }),
    });
    setConnection(true);
    if (response.status === 401) {
      showLogin('登录已过期，请重新登录；未上传的打卡已保留');
      return;
    }
    if (!response.ok) {
      message(`上传失败（${response.status}），稍后自动重试`, 'error');
      return;
    }
    const { results, serverTime } = await response.json();
    const offsetMs = Date.parse(serverTime) - Date.now();
    localStorage.setItem(offsetKey, String(Math.abs(offsetMs) > clockSlackMs ? offsetMs : 0));
    const sent = new Set(results.map((result) => result.scanId));
    save(
      queueKey,
      load(queueKey, []).filter((entry) => !sent.has(entry.scanId)),
    );
    const recent = load(recentKey, []);
    for (const result of results) {
      const item = recent.find((entry) => entry.scanId === result.scanId);
      if (!item) continue;
      item.status = result.status;
      if (result.checkpoint) item.name = result.checkpoint.name;
      if (result.reason) item.reason = result.reason;
    }
    save(recentKey, recent);
    await loadRounds();
  } catch {
    setConnection(false);
  } finally {
    flushing = false;
    render();
  }
}

function render() {
  const waiting = me ? load(queueKey, []).filter((entry) => entry.guard === me.username) : [];
  $('queue').dataset.count = String(waiting.length);
  $('queue').textContent = `${waiting.length} 条打卡待上传，联网后自动发送`;

  const items = load(recentKey, [])
    .filter((entry) => entry.guard === me?.username)
    .map((entry) => {
      const item = document.createElement('li');
      item.dataset.status = entry.status;
      item.dataset.code = entry.code;
      item.dataset.time = entry.time;
      const what = document.createElement('span');
      what.textContent = `${clock.format(new Date(entry.time))} ${entry.name ?? entry.code}`;
      const status = document.createElement('span');
      status.className = 'status';
      status.textContent = statusText[entry.status] ?? entry.status;
      if (entry.reason) status.title = entry.reason;
      item.append(what, status);
      return item;
    });
  $('scans').replaceChildren(...items);
}

/** The round to show: the one running, else the next, else the last. */
function currentRound(rounds) {
  const running = ['in_progress', 'not_started', 'waiting'];
  return (
    rounds.find((round) => running.includes(round.state)) ??
    rounds.find((round) => round.state === 'upcoming') ??
    rounds.at(-1)
  );
}

async function loadRounds() {
  const response = await fetch('/api/patrol/my/rounds', { credentials: 'same-origin' });
  if (!response.ok) return;
  const round = currentRound(await response.json());
  if (!round) {
    $('round-title').textContent = '当前没有指派给您的巡更轮次';
    $('round-meta').textContent = '';
    $('stops').replaceChildren();
    return;
  }
  const start = clock.format(new Date(round.plannedStart)).slice(0, 5);
  $('round-title').textContent = `${start} ${round.scheduleName} · ${round.routeName}`;
  $('round-meta').textContent = `状态：${stateText[round.state]}`;
  $('round-meta').dataset.state = round.state;
  $('stops').replaceChildren(
    ...round.stops.map((stop) => {
      const item = document.createElement('li');
      item.dataset.status = stop.status;
      item.dataset.checkpoint = stop.checkpointId;
      const name = document.createElement('span');
      const at = stop.scannedAt ?? stop.due;
      name.textContent = `${clock.format(new Date(at)).slice(0, 5)} ${stop.name}`;
      const status = document.createElement('span');
      status.className = 'status';
      status.textContent = stopText[stop.status];
      item.append(name, status);
      return item;
    }),
  );
}

function showLogin(reason = '') {
  me = undefined;
  stopCamera();
  $('login').hidden = false;
  $('patrol').hidden = true;
  $('guard').textContent = '';
  $('login-error').textContent = reason;
}

async function showPatrol(account) {
  me = account;
  $('login').hidden = true;
  $('patrol').hidden = false;
  $('guard').textContent = account.displayName ?? account.username;
  render();
  await flush();
  await loadRounds().catch(() => setConnection(false));
}

function stopCamera() {
  const video = $('preview');
  for (const track of video.srcObject?.getTracks() ?? []) track.stop();
  video.srcObject = null;
  video.hidden = true;
}

async function startCamera() {
  const video = $('preview');
  try {
    detector ??= new window.BarcodeDetector({ formats: ['qr_code'] });
    video.srcObject = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'environment' },
    });
  } catch {
    message('无法打开摄像头，请手动输入编码', 'error');
    return;
  }
  video.hidden = false;
  await video.play();
  const look = async () => {
    if (!video.srcObject) return;
    try {
      const [found] = await detector.detect(video);
      if (found) {
        stopCamera();
        scan(found.rawValue);
        return;
      }
    } catch {
      // A frame that could not be read; try the next one.
    }
    setTimeout(look, 200);
  };
  void look();
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  let response;
  try {
    response = await fetch('/api/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    });
  } catch {
    $('login-error').textContent = '无法连接警务室，请检查网络';
    return;
  }
  if (!response.ok) {
    $('login-error').textContent =
      response.status === 429 ? '尝试次数过多，请稍后再试' : '用户名或密码错误';
    return;
  }
  const account = await response.json();
  if (account.role !== 'guard') {
    await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' });
    $('login-error').textContent = '此页面仅供巡更人员使用';
    return;
  }
  event.target.reset();
  await showPatrol(account);
});

$('manual').addEventListener('submit', (event) => {
  event.preventDefault();
  scan($('code').value);
  $('code').value = '';
  $('code').focus();
});

$('logout').addEventListener('click', async () => {
  const waiting = load(queueKey, []).filter((entry) => entry.guard === me?.username).length;
  if (
    waiting > 0 &&
    !confirm(`还有 ${waiting} 条打卡未上传，退出后将在您下次登录时发送。确定退出？`)
  ) {
    return;
  }
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
  showLogin();
});

// Known shortcoming: camera scanning needs BarcodeDetector (Chrome on Android); elsewhere, type.
if ('BarcodeDetector' in window && navigator.mediaDevices?.getUserMedia) {
  $('camera').hidden = false;
  $('camera').addEventListener('click', () => {
    if ($('preview').srcObject) stopCamera();
    else void startCamera();
  });
}

window.addEventListener('online', () => void flush());
window.addEventListener('offline', () => setConnection(false));
setInterval(() => void flush(), retryMs);

setConnection(navigator.onLine);
let account;
try {
  const response = await fetch('/api/auth/me', { credentials: 'same-origin' });
  if (response.ok) account = await response.json();
} catch {
  // Offline at start: the login form asks again once there is signal.
}
if (account?.role === 'guard') await showPatrol(account);
else showLogin();
