/* LAPOR! SP4N Kabupaten Magetan — the web chat, browser side.
 *
 * Plain ES2020 without dependencies, written for a strict CSP: no inline
 * scripts or style attributes, no eval. Styles that must change at run time
 * (the height of the text box) are set through the CSSOM.
 *
 * Talks to the same origin:
 *   POST /api/session            -> {csrf, lang}
 *   GET  /api/events?after=<seq> -> server-sent events "message"
 *   POST /api/messages           {text} | {button, label}
 *   POST /api/upload             multipart: caption, file
 *   POST /api/location           {lat, lon}
 *   POST /api/signin             {code[, switch]} -> {room, officer}  (an officer's desk room;
 *                                409 {switch: true, room} when the browser is in another room
 *                                and the officer has not confirmed leaving it)
 *   POST /api/signout
 *
 * The event stream sends "reload" when the session no longer shows what
 * the stream follows (signed out, removed from the room, expired): the page
 * reloads to show what it shows now.
 *
 * An officer's browser signs in with /?masuk=<code> (or by typing
 * "/masuk <code>") and then shows the desk's room: every card keeps its
 * buttons, other officers' messages carry their names, and a bot message
 * can be replied to (which names its report, as a reply does on Telegram).
 *
 * Message text is plain text and is only ever set with textContent.
 */
(() => {
  'use strict';

  // ---------------------------------------------------------------- texts

  const I18N = {
    id: {
      title: 'Layanan LAPOR! SP4N Kabupaten Magetan',
      logLabel: 'Percakapan',
      empty: 'Selamat datang. Tuliskan pengaduan atau pertanyaan Anda tentang pelayanan publik di Kabupaten Magetan.',
      newMessages: 'Pesan baru',
      textLabel: 'Pesan',
      placeholder: 'Ketik pesan…',
      send: 'Kirim',
      sending: 'Mengirim…',
      attach: 'Lampirkan berkas',
      attachHint: 'Lampirkan foto, video, rekaman suara, atau dokumen. Teks yang sudah diketik ikut terkirim sebagai keterangannya.',
      location: 'Kirim lokasi saya',
      locationHint: 'Kirim titik lokasi Anda saat ini',
      locating: 'Mencari lokasi…',
      hint: 'Enter untuk mengirim, Shift+Enter untuk baris baru.',
      cancel: 'Batal',
      choices: 'Pilihan jawaban',
      youSaid: 'Anda:',
      botSaid: 'LAPOR!:',
      connecting: 'Menghubungkan…',
      reconnecting: 'Koneksi terputus. Mencoba menghubungkan kembali…',
      sessionRetry: 'Belum dapat terhubung ke layanan. Kami mencoba lagi…',
      retrying: 'Koneksi sedang bermasalah, jadi pesan Anda belum terkirim. Kami mencoba lagi secara otomatis…',
      netFailed: 'Maaf, pesan belum terkirim karena masalah koneksi. Teks Anda masih tersimpan — silakan tekan Kirim lagi sebentar lagi.',
      choiceNetFailed: 'Maaf, pilihan Anda belum terkirim karena masalah koneksi. Silakan pilih lagi sebentar lagi.',
      genericError: 'Maaf, terjadi kesalahan. Silakan coba lagi.',
      uploadProgress: 'Mengirim… {pct}%',
      uploadWaiting: 'Mengirim…',
      uploadStart: 'Mengirim berkas {name}…',
      uploadDone: 'Berkas {name} terkirim.',
      uploadCancelled: 'Pengiriman berkas dibatalkan.',
      uploadBusy: 'Tunggu sampai berkas sebelumnya selesai terkirim.',
      uploadNetFailed: 'Maaf, berkas belum terkirim karena masalah koneksi. Silakan lampirkan lagi sebentar lagi. Berkas yang sangat besar mungkin ditolak.',
      captionIs: 'Keterangan: {text}',
      locDenied: 'Izin lokasi tidak diberikan — tidak apa-apa. Silakan ketik alamat atau nama tempat kejadiannya (jalan, desa/kelurahan, kecamatan).',
      locUnavailable: 'Maaf, lokasi Anda tidak dapat ditentukan saat ini. Silakan ketik alamat atau nama tempat kejadiannya.',
      locTimeout: 'Pencarian lokasi terlalu lama. Coba lagi di tempat terbuka, atau ketik alamatnya saja.',
      locUnsupported: 'Peramban ini tidak dapat mengirim lokasi. Silakan ketik alamat atau nama tempat kejadiannya.',
      locSent: 'Lokasi terkirim.',
      openImage: 'Buka gambar di tab baru',
      download: 'Unduh berkas',
      file: 'Berkas',
      roomIs: 'Ruang petugas: {room}',
      officerIs: 'Masuk sebagai {name}',
      signOut: 'Keluar dari ruang',
      roomQueue: 'Antrean grup ini',
      roomEmpty: 'Pesan laporan untuk grup ini akan muncul di sini. Tekan tombol pada pesan laporan, atau ketik /bantuan untuk daftar perintah.',
      signingIn: 'Memeriksa kode masuk…',
      switchConfirm: 'Browser ini sudah masuk ke ruang petugas "{room}". Tautan masuk ini akan mengganti ruang dan peran Anda di browser ini. Lanjutkan?',
      switchKept: 'Anda tetap di ruang "{room}". Tautan masuk tidak dipakai dan masih berlaku.',
      reply: 'Balas',
      replyHint: 'Balas pesan ini',
      replyingTo: 'Membalas: {text}',
      cancelReply: 'Batal membalas',
      otherSaid: '{name}:',
    },
    en: {
      title: 'LAPOR! SP4N Public Service Complaints, Magetan Regency',
      logLabel: 'Conversation',
      empty: 'Welcome. Write your complaint or question about public services in Magetan Regency.',
      newMessages: 'New messages',
      textLabel: 'Message',
      placeholder: 'Type a message…',
      send: 'Send',
      sending: 'Sending…',
      attach: 'Attach a file',
      attachHint: 'Attach a photo, video, voice recording or document. Text already typed is sent as its caption.',
      location: 'Send my location',
      locationHint: 'Send your current location',
      locating: 'Finding your location…',
      hint: 'Enter sends, Shift+Enter starts a new line.',
      cancel: 'Cancel',
      choices: 'Answer choices',
      youSaid: 'You:',
      botSaid: 'LAPOR!:',
      connecting: 'Connecting…',
      reconnecting: 'Connection lost. Reconnecting…',
      sessionRetry: 'Cannot reach the service yet. Trying again…',
      retrying: 'The connection is having trouble, so your message has not been sent yet. Retrying automatically…',
      netFailed: 'Sorry, your message was not sent because of a connection problem. Your text is still here — please press Send again in a moment.',
      choiceNetFailed: 'Sorry, your choice was not sent because of a connection problem. Please choose again in a moment.',
      genericError: 'Sorry, something went wrong. Please try again.',
      uploadProgress: 'Sending… {pct}%',
      uploadWaiting: 'Sending…',
      uploadStart: 'Sending the file {name}…',
      uploadDone: 'The file {name} was sent.',
      uploadCancelled: 'File upload cancelled.',
      uploadBusy: 'Please wait until the previous file has been sent.',
      uploadNetFailed: 'Sorry, the file was not sent because of a connection problem. Please attach it again in a moment. Very large files may be refused.',
      captionIs: 'Caption: {text}',
      locDenied: 'Location permission was not given — that is fine. Please type the address or the name of the place (street, village, district).',
      locUnavailable: 'Sorry, your location cannot be determined right now. Please type the address or the name of the place.',
      locTimeout: 'Finding your location took too long. Try again outdoors, or just type the address.',
      locUnsupported: 'This browser cannot send a location. Please type the address or the name of the place.',
      locSent: 'Location sent.',
      openImage: 'Open the image in a new tab',
      download: 'Download the file',
      file: 'File',
      roomIs: 'Officer room: {room}',
      officerIs: 'Signed in as {name}',
      signOut: 'Leave the room',
      roomQueue: "This group's queue",
      roomEmpty: 'Report messages for this group appear here. Press the buttons on a report message, or type /bantuan for the list of commands.',
      signingIn: 'Checking the sign-in code…',
      switchConfirm: 'This browser is already signed in to the officer room "{room}". This sign-in link will replace your room and role in this browser. Continue?',
      switchKept: 'You stay in the "{room}" room. The sign-in link was not used and is still valid.',
      reply: 'Reply',
      replyHint: 'Reply to this message',
      replyingTo: 'Replying to: {text}',
      cancelReply: 'Cancel the reply',
      otherSaid: '{name}:',
    },
  };

  let lang = 'id';

  function t(key, vars) {
    let s = (I18N[lang] && I18N[lang][key]) || I18N.id[key] || key;
    if (vars) {
      for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    }
    return s;
  }

  // ------------------------------------------------------------- elements

  const $ = (id) => document.getElementById(id);
  const el = {
    log: $('log'),
    empty: $('empty'),
    jump: $('jump'),
    alert: $('alert'),
    status: $('status'),
    announce: $('announce'),
    form: $('composer'),
    text: $('text'),
    file: $('file'),
    location: $('location'),
    locationLabel: $('location-label'),
    send: $('send'),
    sendLabel: $('send-label'),
    upload: $('upload'),
    uploadThumb: $('upload-thumb'),
    uploadName: $('upload-name'),
    uploadProgress: $('upload-progress'),
    uploadText: $('upload-text'),
    uploadCancel: $('upload-cancel'),
    room: $('room'),
    roomTitle: $('room-title'),
    roomOfficer: $('room-officer'),
    roomQueue: $('room-queue'),
    roomQueueText: $('room-queue-text'),
    signOut: $('signout'),
    replying: $('replying'),
    replyingText: $('replying-text'),
    replyCancel: $('reply-cancel'),
  };

  // In a desk room (an officer's browser) rather than the citizen's chat.
  let room = null; // {title, officer, queue}
  let replyTo = null; // {seq, text}: the message the next text answers

  let embedded = false;
  try { embedded = window.self !== window.top; } catch (_) { embedded = true; }

  const coarsePointer = window.matchMedia ? window.matchMedia('(pointer: coarse)') : null;
  const isTouch = () => Boolean(coarsePointer && coarsePointer.matches);

  // ------------------------------------------------------------- language

  let timeFormat = null;
  let dateTimeFormat = null;

  function setLang(next) {
    const changed = next !== lang;
    lang = next;
    timeFormat = null;
    dateTimeFormat = null;
    if (changed) applyI18n();
  }

  function applyI18n(root) {
    const scope = root || document;
    if (!root) {
      document.documentElement.lang = lang;
      document.title = t('title');
    }
    for (const node of scope.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
    for (const node of scope.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of scope.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
    for (const node of scope.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
    if (!root) {
      for (const node of el.log.querySelectorAll('time[datetime]')) node.textContent = formatTime(node.dateTime);
      if (statusKey) el.status.textContent = t(statusKey);
    }
  }

  function formatTime(at) {
    const d = new Date(at);
    if (Number.isNaN(d.getTime())) return '';
    const locale = lang === 'en' ? 'en-GB' : 'id-ID';
    try {
      if (d.toDateString() === new Date().toDateString()) {
        timeFormat = timeFormat || new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
        return timeFormat.format(d);
      }
      dateTimeFormat = dateTimeFormat ||
        new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
      return dateTimeFormat.format(d);
    } catch (_) {
      return d.toLocaleString();
    }
  }

  // ------------------------------------------------------ status & alerts

  let statusKey = '';

  function setStatus(key) {
    statusKey = key;
    const text = key ? t(key) : '';
    if (el.status.textContent !== text) el.status.textContent = text;
  }

  function showAlert(text) {
    if (el.alert.textContent !== text) el.alert.textContent = text;
  }

  function clearAlert() {
    if (el.alert.textContent) el.alert.textContent = '';
  }

  function announce(text) {
    // Clear first so that the same sentence twice is announced twice.
    el.announce.textContent = '';
    window.setTimeout(() => { el.announce.textContent = text; }, 50);
  }

  const isTransient = (r) => Boolean(r.network) || r.status === 502 || r.status === 503 || r.status === 504;

  function showFailure(r, networkKey) {
    if (r.aborted) return;
    if (r.error) showAlert(r.error);
    else if (isTransient(r)) showAlert(t(networkKey));
    else showAlert(t('genericError'));
  }

  // ---------------------------------------------------------- networking

  const sleep = (ms) => new Promise((resolve) => {
    // Wake early when the browser says it is back online.
    const done = () => {
      window.clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = window.setTimeout(done, ms);
    window.addEventListener('online', done);
  });

  const backoff = (attempt) => Math.min(1000 * 2 ** attempt, 15000) + Math.floor(Math.random() * 400);

  function parseError(data) {
    return data && typeof data.error === 'string' ? data.error : '';
  }

  /** POSTs JSON (or nothing) and never throws. */
  async function request(path, body) {
    const headers = { Accept: 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method: 'POST',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch (_) {
      return { ok: false, network: true, status: 0, data: null, error: '' };
    }
    let data = null;
    try { data = await res.json(); } catch (_) { /* not JSON */ }
    return { ok: res.ok, status: res.status, data, error: res.ok ? '' : parseError(data) };
  }

  /**
   * Runs attempt() until it succeeds, retrying network trouble with backoff
   * and renewing the session once when the server no longer knows it.
   */
  async function withRetry(attempt, { tries = 6, onRetry } = {}) {
    await session();
    let renewed = false;
    for (let i = 0; ; i++) {
      const r = await attempt();
      if (r.ok || r.aborted) return r;
      if ((r.status === 401 || r.status === 403) && !renewed) {
        renewed = true;
        await session(true);
        continue;
      }
      if (isTransient(r) && i < tries - 1) {
        if (onRetry) onRetry(r, i);
        await sleep(backoff(i));
        continue;
      }
      return r;
    }
  }

  // -------------------------------------------------------------- session

  let csrf = '';
  let sessionPromise = null;
  let sessionBusy = false;

  async function openSession() {
    sessionBusy = true;
    try {
      for (let attempt = 0; ; attempt++) {
        const r = await request('/api/session');
        if (r.ok && r.data && typeof r.data.csrf === 'string' && r.data.csrf) {
          csrf = r.data.csrf;
          setLang(r.data.lang === 'en' ? 'en' : 'id');
          setRoom(typeof r.data.room === 'string' && r.data.room
            ? { title: r.data.room, officer: r.data.officer || '', queue: typeof r.data.queue === 'string' ? r.data.queue : '' }
            : null);
          if (statusKey === 'sessionRetry') setStatus(source ? '' : 'connecting');
          return;
        }
        setStatus('sessionRetry');
        await sleep(backoff(Math.min(attempt, 4)));
      }
    } finally {
      sessionBusy = false;
    }
  }

  function setRoom(next) {
    room = next;
    document.documentElement.classList.toggle('in-room', Boolean(room));
    if (!el.room) return;
    el.room.hidden = !room;
    if (room) {
      el.roomTitle.textContent = t('roomIs', { room: room.title });
      el.roomOfficer.textContent = room.officer ? t('officerIs', { name: room.officer }) : '';
      if (el.roomQueue && el.roomQueueText) {
        // The desk's open reports, nearest deadline first: what the
        // officer sees first when the room opens.
        el.roomQueueText.textContent = room.queue || '';
        el.roomQueue.hidden = !room.queue;
      }
      if (el.empty) {
        el.empty.dataset.i18n = 'roomEmpty';
        el.empty.textContent = t('roomEmpty');
      }
    }
  }

  /** Signs this browser in to a desk room with a one-time code, then shows the room. */
  async function signIn(code) {
    await session();
    setStatus('signingIn');
    const retry = { onRetry: (res) => showAlert(res.error || t('retrying')) };
    let r = await withRetry(() => request('/api/signin', { code }), retry);
    if (r.status === 409 && r.data && r.data.switch) {
      // Already another desk's officer in this browser: ask before the
      // link changes the room and the role.
      const current = typeof r.data.room === 'string' ? r.data.room : '';
      setStatus('');
      if (!window.confirm(t('switchConfirm', { room: current }))) {
        showAlert(t('switchKept', { room: current }));
        return false;
      }
      setStatus('signingIn');
      r = await withRetry(() => request('/api/signin', { code, switch: true }), retry);
    }
    setStatus('');
    if (!r.ok) {
      showFailure(r, 'netFailed');
      return false;
    }
    window.location.replace(window.location.pathname);
    return true;
  }

  async function signOut() {
    const r = await withRetry(() => request('/api/signout', {}), {
      onRetry: (res) => showAlert(res.error || t('retrying')),
    });
    if (r.ok) window.location.reload();
    else showFailure(r, 'netFailed');
  }

  function setReply(target) {
    replyTo = target;
    el.replying.hidden = !target;
    if (target) {
      const short = target.text.length > 80 ? `${target.text.slice(0, 80)}…` : target.text;
      el.replyingText.textContent = t('replyingTo', { text: short });
      focusText();
    }
  }

  function session(renew) {
    if (!sessionPromise || (renew && !sessionBusy)) sessionPromise = openSession();
    return sessionPromise;
  }

  // --------------------------------------------------------------- events

  let source = null;
  let lastSeq = 0;
  let esFailures = 0;
  let esOpenedAt = 0;
  let esTimer = 0;
  const seen = new Set();

  function connect() {
    window.clearTimeout(esTimer);
    esTimer = 0;
    if (source) source.close();
    const es = new EventSource(`/api/events?after=${encodeURIComponent(String(lastSeq))}`);
    source = es;
    es.addEventListener('open', () => {
      if (source !== es) return;
      esOpenedAt = Date.now();
      if (statusKey === 'connecting' || statusKey === 'reconnecting') setStatus('');
    });
    es.addEventListener('reload', () => {
      if (source !== es) return;
      es.close();
      source = null;
      window.location.reload();
    });
    es.addEventListener('message', (ev) => {
      if (source !== es) return;
      let m = null;
      try { m = JSON.parse(ev.data); } catch (_) { return; }
      if (m && typeof m === 'object') addMessage(m);
    });
    es.addEventListener('error', () => {
      if (source !== es) return;
      // Reopen ourselves, so that ?after= carries the newest seq we have.
      es.close();
      source = null;
      if (esOpenedAt && Date.now() - esOpenedAt > 10000) esFailures = 0;
      esOpenedAt = 0;
      esFailures++;
      if (esFailures > 1) setStatus('reconnecting');
      const delay = esFailures === 1 ? 500 : backoff(Math.min(esFailures - 2, 4));
      esTimer = window.setTimeout(async () => {
        esTimer = 0;
        if (esFailures >= 3) await session(true); // perhaps the session is gone
        connect();
      }, delay);
    });
  }

  function reconnectNow() {
    if (!source && esTimer && csrf) {
      window.clearTimeout(esTimer);
      esTimer = 0;
      connect();
    }
  }

  // ------------------------------------------------------------ rendering

  function svgIcon(paths) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '20');
    svg.setAttribute('height', '20');
    svg.setAttribute('fill', 'none');
    svg.setAttribute('stroke', 'currentColor');
    svg.setAttribute('stroke-width', '2');
    svg.setAttribute('stroke-linecap', 'round');
    svg.setAttribute('stroke-linejoin', 'round');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    for (const d of paths) {
      const p = document.createElementNS(ns, 'path');
      p.setAttribute('d', d);
      svg.append(p);
    }
    return svg;
  }

  const FILE_ICON = ['M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z', 'M14 2v6h6', 'M12 18v-6', 'M9 15l3 3 3-3'];

  /** Only http(s) URLs; relative ones resolve against this page. */
  function safeUrl(raw) {
    if (typeof raw !== 'string' || !raw) return null;
    try {
      const u = new URL(raw, window.location.href);
      return u.protocol === 'https:' || u.protocol === 'http:' ? u : null;
    } catch (_) {
      return null;
    }
  }

  function fileLink(url, name) {
    const a = document.createElement('a');
    a.className = 'att att-file';
    a.href = url.href;
    if (url.origin === window.location.origin) a.download = name;
    else { a.target = '_blank'; a.rel = 'noopener noreferrer'; }
    a.dataset.i18nTitle = 'download';
    a.title = t('download');
    const span = document.createElement('span');
    span.className = 'att-name';
    span.textContent = name;
    a.append(svgIcon(FILE_ICON), span);
    return a;
  }

  function buildAttachment(att) {
    const name = typeof att.name === 'string' && att.name ? att.name : t('file');
    const mime = typeof att.mime === 'string' ? att.mime.toLowerCase() : '';
    const url = safeUrl(att.url);
    const image = (att.kind === 'photo' || mime.startsWith('image/')) && mime !== 'image/svg+xml';
    if (url && image && url.origin === window.location.origin) {
      const a = document.createElement('a');
      a.className = 'att att-photo';
      a.href = url.href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.dataset.i18nTitle = 'openImage';
      a.title = t('openImage');
      const img = document.createElement('img');
      img.className = 'thumb';
      img.alt = name;
      img.decoding = 'async';
      img.addEventListener('load', () => scheduleScroll(false));
      img.addEventListener('error', () => { a.replaceWith(fileLink(url, name)); }, { once: true });
      img.src = url.href;
      a.append(img);
      return a;
    }
    if (url) return fileLink(url, name);
    const span = document.createElement('span');
    span.className = 'att att-file';
    const label = document.createElement('span');
    label.className = 'att-name';
    label.textContent = name;
    span.append(svgIcon(FILE_ICON), label);
    return span;
  }

  function buildChoices(msg, rows) {
    const box = document.createElement('div');
    box.className = 'choices';
    box.setAttribute('role', 'group');
    box.dataset.i18nLabel = 'choices';
    box.setAttribute('aria-label', t('choices'));
    for (const row of rows) {
      const list = Array.isArray(row) ? row : [row];
      const line = document.createElement('div');
      line.className = 'choice-row';
      for (const b of list) {
        if (!b || typeof b.label !== 'string' || !b.label) continue;
        const label = b.label;
        const data = typeof b.data === 'string' && b.data ? b.data : label;
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.className = 'choice';
        btn.textContent = label;
        btn.dataset.data = data;
        btn.addEventListener('click', (ev) => choose(msg, btn, data, label, ev));
        line.append(btn);
      }
      if (line.childElementCount) box.append(line);
    }
    return box.childElementCount ? box : null;
  }

  function buildMessage(m, from, seq) {
    const node = document.createElement('div');
    node.className = `msg ${from}`;
    if (seq !== null) node.dataset.seq = String(seq);

    const who = document.createElement('span');
    who.className = 'visually-hidden sender';
    if (from === 'other') {
      who.className = 'sender-name';
      who.textContent = t('otherSaid', { name: typeof m.name === 'string' && m.name ? m.name : '?' });
    } else {
      who.dataset.i18n = from === 'me' ? 'youSaid' : 'botSaid';
      who.textContent = `${t(who.dataset.i18n)} `;
    }
    node.append(who);

    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    if (m.attachment && typeof m.attachment === 'object') bubble.append(buildAttachment(m.attachment));
    if (typeof m.text === 'string' && m.text !== '') {
      const text = document.createElement('div');
      text.className = 'text';
      text.textContent = m.text;
      bubble.append(text);
    }
    if (bubble.childElementCount) node.append(bubble);

    if (from === 'bot' && Array.isArray(m.buttons) && m.buttons.length) {
      const choices = buildChoices(node, m.buttons);
      if (choices) {
        node.append(choices);
        node.classList.add('has-choices');
      }
    }

    if (room && from === 'bot' && seq !== null && typeof m.text === 'string' && m.text) {
      const reply = document.createElement('button');
      reply.type = 'button';
      reply.className = 'reply';
      reply.textContent = t('reply');
      reply.title = t('replyHint');
      reply.addEventListener('click', () => setReply({ seq, text: m.text }));
      node.append(reply);
    }

    if (typeof m.at === 'string' && m.at) {
      const shown = formatTime(m.at);
      if (shown) {
        const meta = document.createElement('div');
        meta.className = 'meta';
        const time = document.createElement('time');
        time.dateTime = m.at;
        time.textContent = shown;
        meta.append(time);
        node.append(meta);
      }
    }
    return node;
  }

  function insertMessage(node, seq) {
    const last = el.log.lastElementChild;
    if (seq === null || !last || !last.classList.contains('msg') || !last.dataset.seq || Number(last.dataset.seq) < seq) {
      el.log.append(node);
      return;
    }
    // Out of order (rare): put it before the first message with a higher seq.
    for (const other of el.log.querySelectorAll('.msg[data-seq]')) {
      if (Number(other.dataset.seq) > seq) {
        other.before(node);
        return;
      }
    }
    el.log.append(node);
  }

  /** A line that redraws an earlier one (a report's card that moved on): the old line changes in place. */
  function replaceMessage(m, seq) {
    const target = m.replaces;
    const old = el.log.querySelector(`.msg[data-seq="${target}"]`);
    if (!old) return;
    const node = buildMessage(Object.assign({}, m, { at: old.querySelector('time') ? old.querySelector('time').dateTime : m.at }), 'bot', target);
    old.replaceWith(node);
    refreshChoices();
  }

  function addMessage(m) {
    const seq = typeof m.seq === 'number' && Number.isFinite(m.seq) ? m.seq : null;
    if (seq !== null) {
      if (seen.has(seq)) return;
      seen.add(seq);
      if (seq > lastSeq) lastSeq = seq;
    }
    if (typeof m.replaces === 'number' && Number.isFinite(m.replaces)) {
      replaceMessage(m, seq);
      return;
    }
    const from = m.from === 'me' || m.from === 'other' ? m.from : 'bot';
    const node = buildMessage(m, from, seq);
    insertMessage(node, seq);
    if (el.empty) {
      el.empty.remove();
      el.empty = null;
    }
    if (from === 'me') {
      noteAnswer(node, typeof m.text === 'string' ? m.text.trim() : '');
      if (typeof m.text === 'string' && !m.attachment) noteEcho(m.text);
    }
    refreshChoices();
    scheduleScroll(from === 'me');
  }

  // -------------------------------------------------------------- choices

  function newestChoices() {
    const all = el.log.querySelectorAll('.msg.bot.has-choices');
    return all.length ? all[all.length - 1] : null;
  }

  /**
   * Only the newest bot message that carries buttons keeps them enabled,
   * and only until one of them has been pressed.
   */
  function refreshChoices() {
    const newest = newestChoices();
    let lostFocus = false;
    for (const msg of el.log.querySelectorAll('.msg.bot.has-choices')) {
      // In a desk room every card keeps its buttons, as in a group chat;
      // the service refuses a button whose moment has passed.
      const on = room ? msg.dataset.answered !== 'pending' : msg === newest && !msg.dataset.answered;
      for (const b of msg.querySelectorAll('button.choice')) {
        if (b.disabled === !on) continue;
        if (!on && b === document.activeElement) lostFocus = true;
        b.disabled = !on;
      }
    }
    if (lostFocus) focusText();
  }

  /** A "me" echo after buttons that repeats one of their labels answers them (so a reload shows them used). */
  function noteAnswer(meNode, text) {
    if (room) return;
    const newest = newestChoices();
    if (!newest || newest.dataset.answered || !text) return;
    if (!(newest.compareDocumentPosition(meNode) & Node.DOCUMENT_POSITION_FOLLOWING)) return;
    for (const b of newest.querySelectorAll('button.choice')) {
      if (b.textContent.trim() === text) {
        newest.dataset.answered = '1';
        b.classList.add('chosen');
        return;
      }
    }
  }

  async function choose(msg, btn, data, label, ev) {
    if (btn.disabled || msg.dataset.answered) return;
    msg.dataset.answered = 'pending';
    btn.classList.add('chosen');
    const byKeyboard = ev && ev.detail === 0;
    refreshChoices();
    if (byKeyboard || !isTouch()) returnFocus(btn);
    stick = true;
    const r = await withRetry(() => request('/api/messages', { button: data, label }), {
      onRetry: (res) => showAlert(res.error || t('retrying')),
    });
    if (r.ok) {
      clearAlert();
      if (room) {
        // A card in a room stays usable, as in a group chat.
        delete msg.dataset.answered;
        refreshChoices();
      } else if (msg.dataset.answered === 'pending') {
        msg.dataset.answered = '1';
      }
      return;
    }
    delete msg.dataset.answered;
    btn.classList.remove('chosen');
    refreshChoices();
    showFailure(r, 'choiceNetFailed');
  }

  // ------------------------------------------------------------ scrolling

  let stick = true;
  let scrollQueued = false;
  let scrollForced = false;
  let lastScrollTop = 0;

  const nearBottom = () => el.log.scrollHeight - el.log.scrollTop - el.log.clientHeight < 48;

  function scrollToBottom() {
    el.log.scrollTop = el.log.scrollHeight;
    lastScrollTop = el.log.scrollTop;
    stick = true;
    el.jump.hidden = true;
  }

  /* Scroll events arrive late, possibly after more messages were added:
     only a move upwards (by the reader) unsticks the log from the bottom. */
  function onLogScroll() {
    const top = el.log.scrollTop;
    if (nearBottom()) {
      stick = true;
      el.jump.hidden = true;
    } else if (top < lastScrollTop - 2) {
      stick = false;
    }
    lastScrollTop = top;
  }

  function scheduleScroll(force) {
    if (force) scrollForced = true;
    if (scrollQueued) return;
    scrollQueued = true;
    const run = () => {
      scrollQueued = false;
      if (stick || scrollForced) scrollToBottom();
      else el.jump.hidden = false;
      scrollForced = false;
    };
    if (document.hidden) window.setTimeout(run, 0);
    else window.requestAnimationFrame(run);
  }

  // ------------------------------------------------------------ text box

  const DRAFT_KEY = 'lapor.webchat.draft';

  function saveDraft() {
    try {
      if (el.text.value) window.sessionStorage.setItem(DRAFT_KEY, el.text.value);
      else window.sessionStorage.removeItem(DRAFT_KEY);
    } catch (_) { /* storage may be blocked in a third-party frame */ }
  }

  function loadDraft() {
    try {
      const draft = window.sessionStorage.getItem(DRAFT_KEY);
      if (draft && !el.text.value) el.text.value = draft;
    } catch (_) { /* ignore */ }
  }

  function autosize() {
    const ta = el.text;
    ta.style.height = 'auto';
    const max = parseFloat(window.getComputedStyle(ta).maxHeight) || 200;
    ta.style.height = `${Math.min(ta.scrollHeight + 4, max)}px`;
  }

  function focusText() {
    try { el.text.focus({ preventScroll: true }); } catch (_) { el.text.focus(); }
  }

  /** Back to the text box after an action, unless the reader has moved on meanwhile. */
  function returnFocus(...from) {
    const a = document.activeElement;
    if (!a || a === document.body || a === el.text || from.includes(a)) focusText();
  }

  /** Removes what was sent from the box, keeping anything typed meanwhile. */
  function consumeText(sent) {
    const now = el.text.value;
    if (now === sent) el.text.value = '';
    else if (now.startsWith(sent)) el.text.value = now.slice(sent.length).replace(/^\s+/, '');
    else return;
    saveDraft();
    autosize();
  }

  function setBusy(button, label, idleKey, busyKey, on) {
    button.setAttribute('aria-busy', on ? 'true' : 'false');
    label.dataset.i18n = on ? busyKey : idleKey;
    label.textContent = t(label.dataset.i18n);
  }

  // -------------------------------------------------------------- sending

  let sendingText = false;
  let pending = null; // {raw, text, consumed}: the text being sent

  async function sendText() {
    const raw = el.text.value;
    const text = raw.trim();
    if (!text) {
      focusText();
      return;
    }
    if (sendingText) return;
    const signInCode = /^\/masuk\s+(\S+)\s*$/i.exec(text);
    if (signInCode) {
      consumeText(raw);
      await signIn(signInCode[1]);
      return;
    }
    sendingText = true;
    const job = { raw, text, consumed: false };
    pending = job;
    setBusy(el.send, el.sendLabel, 'send', 'sending', true);
    const body = { text };
    if (replyTo) body.reply_to = replyTo.seq;
    const r = await withRetry(() => request('/api/messages', body), {
      onRetry: (res) => showAlert(res.error || t('retrying')),
    });
    sendingText = false;
    pending = null;
    setBusy(el.send, el.sendLabel, 'send', 'sending', false);
    if (r.ok) {
      clearAlert();
      if (!job.consumed) consumeText(raw);
      if (replyTo) setReply(null);
      stick = true;
    } else {
      showFailure(r, 'netFailed');
    }
    returnFocus(el.send);
  }

  /** The echo of the text being sent may arrive before the POST's answer. */
  function noteEcho(text) {
    if (pending && !pending.consumed && text === pending.text) {
      pending.consumed = true;
      consumeText(pending.raw);
    }
  }

  // ------------------------------------------------------------- location

  let locating = false;

  const geoAvailable = () => 'geolocation' in navigator && window.isSecureContext !== false;

  function sendLocation() {
    if (locating) return;
    if (!geoAvailable()) {
      showAlert(t('locUnsupported'));
      focusText();
      return;
    }
    locating = true;
    setBusy(el.location, el.locationLabel, 'location', 'locating', true);
    announce(t('locating'));
    const done = () => {
      locating = false;
      setBusy(el.location, el.locationLabel, 'location', 'locating', false);
    };
    navigator.geolocation.getCurrentPosition(async (pos) => {
      const round = (x) => Math.round(x * 1e6) / 1e6;
      const body = { lat: round(pos.coords.latitude), lon: round(pos.coords.longitude) };
      const r = await withRetry(() => request('/api/location', body), {
        onRetry: (res) => showAlert(res.error || t('retrying')),
      });
      done();
      if (r.ok) {
        clearAlert();
        announce(t('locSent'));
        stick = true;
      } else {
        showFailure(r, 'netFailed');
      }
    }, (err) => {
      done();
      const code = err && err.code;
      showAlert(t(code === 1 ? 'locDenied' : code === 3 ? 'locTimeout' : 'locUnavailable'));
      returnFocus(el.location);
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  // -------------------------------------------------------------- uploads

  let upload = null; // the file being sent: {file, caption, xhr, cancelled, thumbUrl}

  function showUploadProgress(fraction) {
    if (fraction === null) {
      el.uploadProgress.removeAttribute('value'); // indeterminate
      el.uploadText.textContent = t('uploadWaiting');
      return;
    }
    const pct = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    el.uploadProgress.value = pct;
    el.uploadText.textContent = t('uploadProgress', { pct });
  }

  function uploadOnce(job) {
    if (job.cancelled) return Promise.resolve({ ok: false, aborted: true });
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      job.xhr = xhr;
      xhr.open('POST', '/api/upload');
      xhr.setRequestHeader('Accept', 'application/json');
      if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable && e.total > 0) showUploadProgress(e.loaded / e.total);
      });
      xhr.upload.addEventListener('load', () => showUploadProgress(null));
      xhr.addEventListener('load', () => {
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
        const ok = xhr.status >= 200 && xhr.status < 300;
        resolve({ ok, status: xhr.status, data, error: ok ? '' : parseError(data) });
      });
      xhr.addEventListener('error', () => resolve({ ok: false, network: true, status: 0, error: '' }));
      xhr.addEventListener('timeout', () => resolve({ ok: false, network: true, status: 0, error: '' }));
      xhr.addEventListener('abort', () => resolve({ ok: false, aborted: true, status: 0, error: '' }));
      const form = new FormData();
      // The caption first: the server can refuse one that is too long
      // before the file's bytes are sent.
      if (job.caption) form.append('caption', job.caption);
      form.append('file', job.file, job.file.name || 'berkas');
      showUploadProgress(0);
      xhr.send(form);
    });
  }

  function hideUploadPanel(job) {
    if (job.thumbUrl) {
      URL.revokeObjectURL(job.thumbUrl);
      job.thumbUrl = '';
    }
    el.uploadThumb.removeAttribute('src');
    el.uploadThumb.hidden = true;
    el.upload.hidden = true;
  }

  async function startUpload(file) {
    if (!file) return;
    if (upload) {
      showAlert(t('uploadBusy'));
      return;
    }
    const raw = el.text.value;
    const job = { file, caption: raw.trim(), xhr: null, cancelled: false, thumbUrl: '' };
    upload = job;
    const name = file.name || t('file');

    el.uploadName.textContent = job.caption ? `${name} — ${t('captionIs', { text: job.caption })}` : name;
    el.uploadName.title = el.uploadName.textContent;
    if (file.type && file.type.startsWith('image/') && file.type !== 'image/svg+xml') {
      try {
        job.thumbUrl = URL.createObjectURL(file);
        el.uploadThumb.src = job.thumbUrl;
        el.uploadThumb.hidden = false;
      } catch (_) { /* no preview */ }
    }
    showUploadProgress(0);
    el.upload.hidden = false;
    announce(t('uploadStart', { name }));

    const r = await withRetry(() => uploadOnce(job), {
      tries: 3,
      onRetry: (res) => {
        showAlert(res.error || t('retrying'));
        showUploadProgress(null);
      },
    });
    if (upload === job) upload = null;
    hideUploadPanel(job);
    try { el.file.value = ''; } catch (_) { /* ignore */ }

    if (r.ok) {
      clearAlert();
      if (job.caption) consumeText(raw);
      announce(t('uploadDone', { name }));
      stick = true;
    } else if (r.aborted) {
      announce(t('uploadCancelled'));
    } else {
      showFailure(r, 'uploadNetFailed');
    }
    if (!isTouch()) returnFocus(el.file, el.uploadCancel);
  }

  function cancelUpload() {
    const job = upload;
    if (!job) return;
    job.cancelled = true;
    upload = null;
    if (job.xhr) job.xhr.abort();
    hideUploadPanel(job);
    try { el.file.value = ''; } catch (_) { /* ignore */ }
    focusText();
  }

  function hasFiles(dt) {
    return Boolean(dt && dt.types && Array.prototype.indexOf.call(dt.types, 'Files') !== -1);
  }

  // ---------------------------------------------------------------- wiring

  function wire() {
    el.form.addEventListener('submit', (e) => {
      e.preventDefault();
      sendText();
    });

    // Enter sends, Shift+Enter is a new line.
    let enterHandled = false;
    el.text.addEventListener('keydown', (e) => {
      enterHandled = false;
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        enterHandled = true;
        sendText();
      }
    });
    el.text.addEventListener('keyup', () => { enterHandled = false; });
    el.text.addEventListener('beforeinput', (e) => {
      // Some input paths still deliver the line break of a handled Enter.
      if (enterHandled && (e.inputType === 'insertLineBreak' || e.inputType === 'insertParagraph')) e.preventDefault();
    });
    el.text.addEventListener('input', () => {
      saveDraft();
      autosize();
    });
    el.text.addEventListener('paste', (e) => {
      const files = e.clipboardData && e.clipboardData.files;
      if (files && files.length && hasFiles(e.clipboardData)) {
        e.preventDefault();
        startUpload(files[0]);
      }
    });

    el.file.addEventListener('change', () => {
      const f = el.file.files && el.file.files[0];
      if (f) startUpload(f);
    });
    el.uploadCancel.addEventListener('click', cancelUpload);
    if (el.signOut) el.signOut.addEventListener('click', signOut);
    if (el.replyCancel) el.replyCancel.addEventListener('click', () => { setReply(null); focusText(); });

    if (geoAvailable()) el.location.addEventListener('click', sendLocation);
    else el.location.hidden = true;

    el.log.addEventListener('scroll', onLogScroll, { passive: true });
    el.jump.addEventListener('click', () => {
      scrollToBottom();
      el.log.focus({ preventScroll: true });
    });
    if (typeof ResizeObserver === 'function') {
      new ResizeObserver(() => { if (stick) scrollToBottom(); }).observe(el.log);
    }

    // Drop a file anywhere on the page to send it.
    let dragDepth = 0;
    document.addEventListener('dragenter', (e) => {
      if (!hasFiles(e.dataTransfer)) return;
      dragDepth++;
      document.documentElement.classList.add('dragging');
    });
    document.addEventListener('dragleave', (e) => {
      if (!hasFiles(e.dataTransfer)) return;
      dragDepth = Math.max(0, dragDepth - 1);
      if (!dragDepth) document.documentElement.classList.remove('dragging');
    });
    document.addEventListener('dragover', (e) => {
      if (hasFiles(e.dataTransfer)) e.preventDefault();
    });
    document.addEventListener('drop', (e) => {
      if (!hasFiles(e.dataTransfer)) return;
      e.preventDefault();
      dragDepth = 0;
      document.documentElement.classList.remove('dragging');
      const f = e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) startUpload(f);
    });

    window.addEventListener('online', reconnectNow);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) reconnectNow();
    });
    window.addEventListener('beforeunload', (e) => {
      if (upload || sendingText) {
        e.preventDefault();
        e.returnValue = '';
      }
    });

    // Inside the regency website's frame, Escape asks embed.js to close it.
    if (embedded) {
      document.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        try { window.parent.postMessage({ type: 'lapor-embed:close' }, '*'); } catch (_) { /* ignore */ }
      });
    }
  }

  function init() {
    if (embedded) document.documentElement.classList.add('embedded');
    applyI18n();
    loadDraft();
    autosize();
    wire();
    setStatus('connecting');
    if (!embedded && !isTouch()) focusText();
    const params = new URLSearchParams(window.location.search);
    const code = params.get('masuk');
    if (code) {
      // The code must not stay in the address bar or the history.
      window.history.replaceState(null, '', window.location.pathname);
      signIn(code).then((ok) => { if (!ok) session().then(connect); });
      return;
    }
    session().then(connect);
  }

  init();
})();
