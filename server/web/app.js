// roombot web room: a browser client of the reference room service
// (docs/protocol.md) that shows the room in the templates of the TRTC
// <webrtc-room> component. Plain JS, no build step. window.roombot is the
// automation API (docs/web.md) that roombot's browser participants drive.
'use strict';
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const IM_TEXT = { '-1': 'no receiver', '-2': 'empty message', '-3': 'message too long', '-4': 'send failed' };
  const MAX_EVENTS = 5000; // kept for drain() and the log; older ones are dropped (and counted)

  const st = {
    config: { templates: ['bigsmall', 'float', 'grid'], defaultTemplate: 'float' }, codes: {},
    ws: null, pc: null, nextID: 1, pending: new Map(), heartbeat: null, offers: Promise.resolve(),
    answered: false, queuedCandidates: [],
    phase: 'out', // out | entering | in
    enterStart: 0, opts: null, userID: '', room: '',
    template: '', maxMembers: 0, slots: [], localSlot: null,
    muted: false, cameraOff: false, paused: false, beauty: 0,
    local: { stream: null, audio: null, video: null, canvas: null, source: '', cameras: [], camIndex: 0 },
    upstream: { audio: null, video: null },
    remotes: new Map(), order: [],
    events: [], samples: [], dropped: 0, statsTimer: null, prev: new Map(), pageErrors: [],
  };

  // ---- events: one table for the log, the page's state and drain() ----

  function codeText(ev) {
    if (ev.kind === 'im') return IM_TEXT[String(ev.code)] || '';
    return st.codes[String(ev.code)] || '';
  }

  function emit(ev) {
    ev.ts = new Date().toISOString();
    if (st.userID && !ev.user) ev.user = st.userID;
    if (st.room && !ev.room) ev.room = st.room;
    st.events.push(ev);
    if (st.events.length > MAX_EVENTS) { st.events.shift(); st.dropped++; }
    const log = $('#rb-log');
    if (!log) return;
    const line = document.createElement('div');
    const t = ev.ts.slice(11, 23);
    const code = ev.code ? ` ${ev.code}` : '';
    const text = ev.code ? codeText(ev) : '';
    line.textContent = `${t}${code} ${ev.event}${text ? ' (' + text + ')' : ''}${ev.remote ? ' ' + ev.remote : ''}${ev.track ? ' ' + ev.track : ''}${ev.msg ? ': ' + ev.msg : ''}`;
    if (ev.tag === 'error' || ev.event === 'enter_failed' || ev.event === 'send_failed') line.className = 'rb-err';
    log.appendChild(line);
    while (log.childNodes.length > 500) log.removeChild(log.firstChild);
    log.scrollTop = log.scrollHeight;
  }

  // ---- signaling (docs/protocol.md) ----

  function send(type, data, withReply) {
    if (!st.ws || st.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
    const f = { type };
    if (data !== undefined) f.data = data;
    let p = Promise.resolve({ code: 0 });
    if (withReply) {
      f.id = st.nextID++;
      p = new Promise((resolve, reject) => st.pending.set(f.id, { resolve, reject }));
    }
    st.ws.send(JSON.stringify(f));
    return p;
  }

  function reply(f) {
    const w = st.pending.get(f.id);
    if (!w) return;
    st.pending.delete(f.id);
    const d = f.data || {};
    if (d.code) w.reject(Object.assign(new Error(d.message || String(d.code)), { code: d.code })); else w.resolve(d);
  }

  function roomName(o) { return o.strRoomID ? o.strRoomID : String(o.roomID); }

  function parseRoom(s) {
    s = String(s).trim();
    if (/^[0-9]+$/.test(s) && Number(s) >= 1 && Number(s) <= 4294967295) return { roomID: Number(s) };
    return { strRoomID: s };
  }

  // enter joins a room. o: {sdkAppID, userID, userSig, privateMapKey,
  // roomID | strRoomID | room, role ('anchor'|'audience'), publishAudio,
  // publishVideo, audioMuted, videoOff, im, recvMode, template}.
  async function enter(o) {
    if (st.phase !== 'out') throw new Error('already ' + st.phase);
    o = Object.assign({ role: 'anchor', im: true, recvMode: 1 }, o);
    if (o.room !== undefined) Object.assign(o, parseRoom(o.room));
    if (o.role === 'viewer') o.role = 'audience';
    const publishing = o.role !== 'audience';
    if (o.publishAudio === undefined) o.publishAudio = publishing;
    if (o.publishVideo === undefined) o.publishVideo = publishing;
    st.opts = o; st.userID = o.userID; st.room = roomName(o);
    st.muted = !!o.audioMuted; st.cameraOff = !!o.videoOff; st.paused = false;
    st.phase = 'entering';
    setStatus('entering ' + st.room + ' as ' + st.userID);
    if (o.template) await setTemplate(o.template);
    try {
      await openLocal(o.publishAudio, o.publishVideo);
    } catch (err) {
      st.phase = 'out';
      setStatus('not in a room');
      throw err;
    }
    st.enterStart = Date.now();
    const wsURL = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    const ws = new WebSocket(wsURL);
    st.ws = ws;
    ws.onmessage = (m) => onFrame(JSON.parse(m.data));
    ws.onclose = (c) => onClose(c);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error('signaling ' + wsURL + ' unreachable'));
    });
    newPeer();
    const enterMsg = {
      sdkAppID: Number(o.sdkAppID), userID: o.userID, userSig: o.userSig, privateMapKey: o.privateMapKey || '',
      role: o.role, recvMode: o.recvMode, im: !!o.im, publishAudio: !!o.publishAudio, publishVideo: !!o.publishVideo,
      audioMuted: st.muted, videoOff: st.cameraOff,
    };
    if (o.strRoomID) enterMsg.strRoomID = o.strRoomID; else enterMsg.roomID = o.roomID;
    const id = st.nextID++;
    const p = new Promise((resolve, reject) => st.pending.set(id, { resolve, reject }));
    ws.send(JSON.stringify({ type: 'enter', id, data: enterMsg }));
    return p;
  }

  function onFrame(f) {
    const d = f.data || {};
    switch (f.type) {
      case 'reply': reply(f); break;
      case 'entered': onEntered(f, d); break;
      case 'enterFailed': {
        const e = d.error || {};
        emit({ kind: 'room', event: 'enter_failed', code: e.code || 1022, msg: e.message || '', value: Date.now() - st.enterStart });
        emit({ kind: 'room', event: 'error', tag: 'error', code: -10, msg: e.message || 'enter failed' });
        const w = st.pending.get(f.id);
        st.pending.delete(f.id);
        cleanup('enter failed');
        if (w) w.reject(Object.assign(new Error(e.message || 'enter failed'), { code: e.code || 1022 }));
        break;
      }
      case 'members': {
        const list = d.list || [];
        const known = list.filter((m) => addRemote(m, false));
        emit({ kind: 'room', event: 'members', code: 1020, value: list.length, msg: list.map((m) => m.userID).join(',') });
        known.forEach(knownMedia);
        checkCapacity();
        layout();
        break;
      }
      case 'userEntered': {
        const isNew = addRemote(d.member, true);
        emit({ kind: 'room', event: 'remote_entered', code: 1031, remote: d.member.userID });
        if (isNew) knownMedia(d.member);
        checkCapacity();
        layout();
        break;
      }
      case 'userLeft':
        removeRemote(d.userID);
        emit({ kind: 'room', event: 'remote_left', code: 1032, remote: d.userID });
        layout();
        break;
      case 'remoteVideo': case 'remoteAudio': remoteMedia(f.type, d); break;
      case 'offer': {
        const pc = st.pc;
        st.offers = st.offers.then(() => onOffer(pc, d.sdp)).catch((err) => {
          // An offer that raced our leaving (the connection closed under it) is not a failure.
          if (st.pc === pc && st.phase === 'in' && !st.leaving) emit({ kind: 'room', event: 'error', tag: 'error', code: -6, msg: 'answering an offer: ' + err });
        });
        break;
      }
      case 'message': onMessage(d); break;
      case 'kicked':
        emit({ kind: 'room', event: 'kicked', msg: d.reason || '' });
        emit({ kind: 'room', event: 'left', code: 1019, msg: 'kicked: ' + (d.reason || '') });
        cleanup('kicked');
        break;
      case 'error': emit({ kind: 'room', event: 'error', tag: 'error', code: d.code, msg: d.message || '' }); break;
      case 'pong': break;
      default: break;
    }
  }

  function onEntered(f, d) {
    st.phase = 'in';
    emit({ kind: 'room', event: 'entered', code: 1018, value: Date.now() - st.enterStart });
    if (st.opts.im) {
      emit({ kind: 'im', event: 'login_event', tag: 'login_event', msg: 'login success' });
      emit({ kind: 'im', event: 'connection_event', tag: 'connection_event', msg: 'connection is on' });
      emit({ kind: 'im', event: 'join_group_event', tag: 'join_group_event', msg: 'JoinedSuccess' });
    }
    const every = d.heartbeatMs || 5000;
    st.heartbeat = setInterval(() => { send('ping').catch(() => {}); }, every);
    st.statsTimer = setInterval(() => { collectStats().catch(() => {}); }, 1000);
    setStatus('in room ' + st.room + ' as ' + st.userID);
    $('#rb-signin').hidden = true;
    $('#rb-room').hidden = false;
    updateLocalView();
    const w = st.pending.get(f.id);
    st.pending.delete(f.id);
    if (w) w.resolve(d);
  }

  function onClose(c) {
    if (st.phase === 'in' && !st.leaving) {
      emit({ kind: 'room', event: 'error', tag: 'error', code: -6, msg: `signaling closed (${c.code}${c.reason ? ' ' + c.reason : ''})` });
      if (st.opts && st.opts.im) emit({ kind: 'im', event: 'connection_event', tag: 'connection_event', code: 9999, msg: 'connection is off' });
      emit({ kind: 'room', event: 'left', code: 1019, msg: 'disconnected' });
    }
    for (const w of st.pending.values()) w.reject(new Error('signaling closed'));
    st.pending.clear();
    cleanup('closed');
  }

  function cleanup(why) {
    clearInterval(st.heartbeat); clearInterval(st.statsTimer);
    st.heartbeat = st.statsTimer = null;
    if (st.pc) { st.pc.close(); st.pc = null; }
    if (st.ws) { const ws = st.ws; st.ws = null; ws.onclose = null; try { ws.close(); } catch (e) { /* closed */ } }
    closeLocal();
    for (const id of [...st.remotes.keys()]) removeRemote(id);
    st.upstream = { audio: null, video: null };
    st.prev.clear();
    st.lastSample = 0;
    st.phase = 'out'; st.leaving = false;
    layout();
    setStatus('not in a room (' + why + ')');
    $('#rb-signin').hidden = false;
    $('#rb-room').hidden = true;
  }

  async function leave() {
    if (st.phase === 'out') return;
    st.leaving = true;
    try { await send('leave', undefined, true); } catch (e) { /* closing anyway */ }
    emit({ kind: 'room', event: 'left', code: 1019, msg: 'stop' });
    cleanup('left');
  }

  // ---- media ----

  function newPeer() {
    st.answered = false; st.queuedCandidates = [];
    const pc = new RTCPeerConnection({ iceServers: [] });
    st.pc = pc;
    pc.onicecandidate = (e) => {
      const c = e.candidate ? { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } : { candidate: '' };
      if (st.answered) send('candidate', c).catch(() => {}); else st.queuedCandidates.push(c);
    };
    pc.ontrack = (e) => {
      const uid = e.streams && e.streams[0] ? e.streams[0].id : '';
      const r = st.remotes.get(uid);
      if (!r) return; // a track of a user who already left
      const kind = e.track.kind;
      r[kind] = e.track;
      r.receivers[kind] = e.receiver;
      r.arrived = r.arrived || Date.now();
      attachRemote(r);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && st.phase === 'in') {
        emit({ kind: 'room', event: 'error', tag: 'error', code: -6, msg: 'media connection failed' });
      }
    };
  }

  // sections returns each m-section's mid and direction in a remote SDP.
  function sections(sdp) {
    const out = new Map();
    for (const part of sdp.split(/\r?\nm=/).slice(1)) {
      const mid = /\r?\na=mid:(\S+)/.exec('\n' + part);
      const dir = /\r?\na=(sendrecv|sendonly|recvonly|inactive)\b/.exec('\n' + part);
      if (mid) out.set(mid[1], dir ? dir[1] : 'sendrecv');
    }
    return out;
  }

  async function onOffer(pc, sdp) {
    if (!pc || st.pc !== pc || pc.signalingState === 'closed') return;
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const dirs = sections(sdp);
    for (const t of pc.getTransceivers()) {
      if (!t.mid || dirs.get(t.mid) !== 'recvonly') continue;
      const kind = t.receiver.track.kind;
      if (!st.upstream[kind] || st.upstream[kind] === t) {
        st.upstream[kind] = t;
        t.direction = 'sendonly';
        await t.sender.replaceTrack(sendingTrack(kind));
      } else {
        t.direction = 'inactive';
      }
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await send('answer', { sdp: pc.localDescription.sdp });
    if (!st.answered) {
      st.answered = true;
      for (const c of st.queuedCandidates) send('candidate', c).catch(() => {});
      st.queuedCandidates = [];
    }
  }

  // sendingTrack is what the upstream sender carries now: nothing while
  // muted, camera off or paused (the client stops sending, protocol.md).
  function sendingTrack(kind) {
    if (st.paused) return null;
    if (kind === 'audio') return st.muted ? null : st.local.audio;
    return st.cameraOff ? null : st.local.video;
  }

  async function refreshSenders() {
    for (const kind of ['audio', 'video']) {
      const t = st.upstream[kind];
      if (t) await t.sender.replaceTrack(sendingTrack(kind));
    }
  }

  async function openLocal(audio, video) {
    st.local.cameras = [];
    if (!audio && !video) return;
    try {
      const s = await navigator.mediaDevices.getUserMedia({ audio: !!audio, video: video ? { width: 640, height: 360 } : false });
      st.local.stream = s;
      st.local.audio = s.getAudioTracks()[0] || null;
      st.local.video = s.getVideoTracks()[0] || null;
      st.local.source = st.local.video ? 'camera:' + (st.local.video.label || 'default') : '';
      const devs = await navigator.mediaDevices.enumerateDevices();
      st.local.cameras = devs.filter((d) => d.kind === 'videoinput');
      const cur = st.local.video && st.local.video.getSettings().deviceId;
      st.local.camIndex = Math.max(0, st.local.cameras.findIndex((d) => d.deviceId === cur));
    } catch (err) {
      // The component's pusher codes: -1301/-1302 → -4/-5; binderror 10001/10002 → -7.
      const code = err.name === 'NotAllowedError' ? -7 : (video ? -4 : -5);
      emit({ kind: 'room', event: 'error', tag: 'error', code, msg: err.name + ': ' + err.message });
      throw Object.assign(new Error(err.message), { code });
    }
  }

  function closeLocal() {
    const l = st.local;
    for (const t of [l.audio, l.video]) if (t) t.stop();
    if (l.stream) l.stream.getTracks().forEach((t) => t.stop());
    if (l.canvas) { clearInterval(l.canvas.timer); l.canvas = null; }
    l.stream = l.audio = l.video = null; l.source = '';
  }

  // canvasSource is the second fake camera when the browser has only one:
  // moving colour bars drawn on a canvas at 20 fps.
  function canvasSource() {
    const c = document.createElement('canvas');
    c.width = 640; c.height = 360;
    const g = c.getContext('2d');
    const colours = ['#c0c0c0', '#c0c000', '#00c0c0', '#00c000', '#c000c0', '#c00000', '#0000c0'];
    let n = 0;
    const draw = () => {
      n++;
      const w = c.width / colours.length;
      colours.forEach((col, i) => { g.fillStyle = col; g.fillRect(i * w, 0, w + 1, c.height); });
      g.fillStyle = '#fff';
      g.fillRect((n * 8) % c.width, c.height - 40, 40, 40);
      g.fillStyle = '#000';
      g.font = 'bold 48px sans-serif';
      g.fillText('CANVAS', 200, 190);
    };
    draw();
    const timer = setInterval(draw, 50);
    const track = c.captureStream(20).getVideoTracks()[0];
    return { track, timer };
  }

  async function switchCamera() {
    const l = st.local;
    if (!l.video && !l.canvas) throw new Error('no camera to switch');
    let next, source;
    if (l.cameras.length >= 2) {
      l.camIndex = (l.camIndex + 1) % l.cameras.length;
      const dev = l.cameras[l.camIndex];
      const s = await navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: dev.deviceId }, width: 640, height: 360 } });
      next = s.getVideoTracks()[0];
      source = 'camera:' + (dev.label || dev.deviceId);
      if (l.canvas) { clearInterval(l.canvas.timer); l.canvas = null; }
    } else if (!l.canvas) {
      l.canvas = canvasSource();
      next = l.canvas.track;
      source = 'canvas';
    } else {
      const s = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 } });
      next = s.getVideoTracks()[0];
      source = 'camera:' + (next.label || 'default');
      clearInterval(l.canvas.timer); l.canvas = null;
    }
    if (l.video) l.video.stop();
    l.video = next; l.source = source;
    await refreshSenders();
    updateLocalView();
    return source;
  }

  async function setMuted(m) {
    m = !!m;
    st.muted = m;
    await refreshSenders();
    await send('media', { audioMuted: st.muted, videoOff: st.cameraOff }, true);
    updateLocalView();
  }

  async function setCamera(on) {
    st.cameraOff = !on;
    await refreshSenders();
    await send('media', { audioMuted: st.muted, videoOff: st.cameraOff }, true);
    updateLocalView();
  }

  // pause stops sending without telling anyone (the pusher's pause), and
  // stops playing; resume undoes both.
  async function setPaused(p) {
    st.paused = !!p;
    await refreshSenders();
    for (const r of st.remotes.values()) {
      const v = r.view.querySelector('video');
      const a = r.view.querySelector('audio');
      if (st.paused) { v.pause(); a.pause(); } else { v.play().catch(() => {}); a.play().catch(() => {}); }
    }
  }

  function setBeauty(level) {
    level = Number(level);
    if (!Number.isInteger(level) || level < 0 || level > 9) throw new Error('beauty level ' + level + ': want 0..9');
    st.beauty = level; // recorded, as the component's property; it changes no media
    const b = $('#rb-beauty'); if (b) b.value = level;
    const o = $('#rb-beauty-out'); if (o) o.textContent = level;
    return level;
  }

  // ---- remote users ----

  // addRemote records a member; it returns true when the user was not
  // known before.
  function addRemote(m, entered) {
    if (!m || !m.userID || m.userID === st.userID) return false;
    let r = st.remotes.get(m.userID);
    const isNew = !r;
    if (!r) {
      const view = $('#rb-view-template').content.firstElementChild.cloneNode(true);
      r = {
        userID: m.userID, publishing: !!m.publishing, audioMuted: !!m.audioMuted, videoOff: !!m.videoOff,
        audioBlocked: false, videoBlocked: false, audio: null, video: null, receivers: {}, view,
        since: entered ? Date.now() : st.enterStart, arrived: 0, firstFrame: false,
      };
      view.dataset.user = m.userID;
      view.querySelector('.rb-name').textContent = m.userID;
      view.querySelector('[data-act=audio]').onclick = () => block(r.userID, 'audio', !r.audioBlocked).catch((e) => alertError(e));
      view.querySelector('[data-act=video]').onclick = () => block(r.userID, 'video', !r.videoBlocked).catch((e) => alertError(e));
      st.remotes.set(m.userID, r);
      st.order.push(m.userID);
    }
    r.publishing = !!m.publishing; r.audioMuted = !!m.audioMuted; r.videoOff = !!m.videoOff;
    updateRemoteView(r);
    return isNew;
  }

  // knownMedia raises 1033 and 1034 once when a user becomes known, with
  // its state then (as the bots do, docs/events.md).
  function knownMedia(m) {
    emit({ kind: 'room', event: 'remote_video', code: 1033, remote: m.userID, track: 'video', msg: m.videoOff ? 'off' : 'on' });
    emit({ kind: 'room', event: 'remote_audio', code: 1034, remote: m.userID, track: 'audio', msg: m.audioMuted ? 'off' : 'on' });
  }

  function removeRemote(uid) {
    const r = st.remotes.get(uid);
    if (!r) return;
    r.view.remove();
    st.remotes.delete(uid);
    st.order = st.order.filter((x) => x !== uid);
    st.prev.delete(uid);
  }

  function remoteMedia(type, d) {
    const r = st.remotes.get(d.userID);
    if (r) { r.audioMuted = !!d.audioMuted; r.videoOff = !!d.videoOff; updateRemoteView(r); }
    if (type === 'remoteVideo') emit({ kind: 'room', event: 'remote_video', code: 1033, remote: d.userID, track: 'video', msg: d.videoOff ? 'off' : 'on' });
    else emit({ kind: 'room', event: 'remote_audio', code: 1034, remote: d.userID, track: 'audio', msg: d.audioMuted ? 'off' : 'on' });
  }

  function attachRemote(r) {
    const v = r.view.querySelector('video');
    const a = r.view.querySelector('audio');
    if (r.video && (!v.srcObject || v.srcObject.getVideoTracks()[0] !== r.video)) {
      v.srcObject = new MediaStream([r.video]);
      r.firstFrame = false;
      const t0 = Math.max(st.enterStart, r.since);
      const onFrame = () => {
        if (r.firstFrame) return;
        r.firstFrame = true;
        emit({ kind: 'media', event: 'first_frame', remote: r.userID, track: 'video', value: Date.now() - t0 });
      };
      if (v.requestVideoFrameCallback) v.requestVideoFrameCallback(onFrame); else v.addEventListener('loadeddata', onFrame, { once: true });
      v.play().catch(() => {});
    }
    if (r.audio && (!a.srcObject || a.srcObject.getAudioTracks()[0] !== r.audio)) {
      a.srcObject = new MediaStream([r.audio]);
      a.muted = r.audioBlocked;
      a.play().catch(() => {});
    }
    updateRemoteView(r);
  }

  function updateRemoteView(r) {
    const s = r.view.querySelector('.rb-state');
    const mic = r.audioBlocked ? 'audio blocked' : (r.audioMuted ? 'mic off' : 'mic on');
    const cam = r.videoBlocked ? 'video blocked' : (r.videoOff ? 'camera off' : 'camera on');
    s.textContent = r.publishing ? `${mic} · ${cam}` : 'viewer';
    const masked = !r.publishing || r.videoOff || r.videoBlocked;
    r.view.classList.toggle('rb-masked', masked);
    r.view.querySelector('.rb-mask').textContent = !r.publishing ? 'viewer' : (r.videoBlocked ? 'video blocked' : (r.videoOff ? 'camera off' : ''));
    r.view.querySelector('[data-act=audio]').textContent = r.audioBlocked ? 'unblock audio' : 'block audio';
    r.view.querySelector('[data-act=video]').textContent = r.videoBlocked ? 'unblock video' : 'block video';
  }

  // block asks the server to stop (on=false) or resume (on=true)
  // forwarding one remote user's audio or video ("remote" request).
  async function block(uid, kind, blocked) {
    const r = st.remotes.get(uid);
    if (!r) throw Object.assign(new Error('no user ' + uid + ' in the room'), { code: -3319 });
    const want = { audio: !r.audioBlocked, video: !r.videoBlocked };
    want[kind] = !blocked;
    await send('remote', { userID: uid, audio: want.audio, video: want.video }, true);
    r.audioBlocked = !want.audio; r.videoBlocked = !want.video;
    r.view.querySelector('audio').muted = r.audioBlocked;
    updateRemoteView(r);
  }

  // ---- templates and the component's capacity rules ----

  async function setTemplate(name) {
    if (!st.config.templates.includes(name)) throw new Error('unknown template ' + JSON.stringify(name) + ': want one of ' + st.config.templates.join(', '));
    const base = '/web/templates/' + encodeURIComponent(name) + '/';
    const res = await fetch(base + 'template.html');
    if (!res.ok) throw new Error('template ' + name + ': HTTP ' + res.status);
    const html = await res.text();
    const stage = $('#rb-stage');
    for (const r of st.remotes.values()) r.view.remove(); // keep the views (and their players) across layouts
    const localView = localViewEl();
    localView.remove();
    stage.innerHTML = html;
    $('#rb-template-css').href = base + 'template.css';
    st.template = name;
    st.slots = [...stage.querySelectorAll('[data-slot="remote"]')];
    st.localSlot = stage.querySelector('[data-slot="local"]');
    st.maxMembers = st.slots.length;
    for (const sel of ['#rb-template-live', '#rb-template-select']) { const e = $(sel); if (e) e.value = name; }
    if (st.phase === 'in') checkCapacity();
    layout();
    return name;
  }

  // checkCapacity raises -8 when the room holds more remote users than the
  // template has slots (the component compares the member list with
  // maxMembers and names maxMembers+1 as the room's limit).
  function checkCapacity() {
    if (st.remotes.size > st.maxMembers) {
      emit({ kind: 'room', event: 'error', tag: 'error', code: -8, msg: `room is full: at most ${st.maxMembers + 1} members` });
    }
  }

  // layout puts remote users into the slots in the order they arrived: a
  // user beyond the free slots is not shown until a slot frees.
  function layout() {
    const shown = st.order.slice(0, st.maxMembers);
    st.slots.forEach((slot, i) => {
      const uid = shown[i];
      const want = uid ? st.remotes.get(uid).view : null;
      if (slot.firstElementChild !== want) {
        while (slot.firstChild) slot.removeChild(slot.firstChild);
        if (want) slot.appendChild(want);
      }
    });
    for (const uid of st.order.slice(st.maxMembers)) st.remotes.get(uid).view.remove();
    for (const uid of shown) {
      const v = st.remotes.get(uid).view;
      v.querySelector('video').play().catch(() => {});
      v.querySelector('audio').play().catch(() => {});
    }
    const hidden = st.order.slice(st.maxMembers);
    const of = $('#rb-overflow');
    if (of) of.textContent = hidden.length ? `not shown (template holds ${st.maxMembers}): ${hidden.join(', ')}` : '';
    const cap = $('#rb-capacity');
    if (cap) cap.textContent = `${st.template}: ${Math.min(st.order.length, st.maxMembers)}/${st.maxMembers} remote slots`;
    if (st.localSlot) {
      const lv = localViewEl();
      if (lv.parentNode !== st.localSlot) st.localSlot.appendChild(lv);
      lv.querySelector('video').play().catch(() => {});
    }
  }

  let localView = null;
  function localViewEl() {
    if (!localView) {
      localView = $('#rb-view-template').content.firstElementChild.cloneNode(true);
      localView.classList.add('rb-local');
      localView.dataset.user = '';
    }
    return localView;
  }

  function updateLocalView() {
    const v = localViewEl();
    v.dataset.user = st.userID;
    v.querySelector('.rb-name').textContent = st.userID ? st.userID + ' (me)' : '';
    const video = v.querySelector('video');
    const want = st.local.video;
    if (want && (!video.srcObject || video.srcObject.getVideoTracks()[0] !== want)) {
      video.srcObject = new MediaStream([want]);
      video.play().catch(() => {});
    }
    if (!want) video.srcObject = null;
    const pub = st.opts && (st.opts.publishAudio || st.opts.publishVideo);
    v.querySelector('.rb-state').textContent = !pub ? 'viewer' : `${st.muted ? 'mic off' : 'mic on'} · ${st.cameraOff ? 'camera off' : 'camera on'} · beauty ${st.beauty}${st.local.source ? ' · ' + st.local.source : ''}`;
    v.classList.toggle('rb-masked', !pub || st.cameraOff);
    v.querySelector('.rb-mask').textContent = !pub ? 'viewer' : (st.cameraOff ? 'camera off' : '');
    const mb = $('#rb-mute'); if (mb) mb.textContent = st.muted ? 'unmute' : 'mute';
    const cb = $('#rb-camera'); if (cb) cb.textContent = st.cameraOff ? 'camera on' : 'camera off';
  }

  // ---- IM ----

  function imFail(err) {
    const code = typeof err.code === 'number' && err.code >= -4 && err.code <= -1 ? err.code : -4;
    emit({ kind: 'im', event: 'send_failed', tag: 'send_failed', code, msg: err.message || String(err) });
    throw Object.assign(new Error(err.message || String(err)), { code });
  }

  async function sendIM(msg) {
    if (!st.opts || !st.opts.im) return imFail({ code: -4, message: 'IM is not enabled' });
    try { await send('im', msg, true); } catch (err) { return imFail(err); }
    imLine(st.userID, msg.to ? '→ ' + msg.to : 'group', msg.kind === 'custom' ? `[custom] ${msg.data}` : msg.text);
    return true;
  }

  function onMessage(d) {
    const name = d.group ? 'big_group_msg_notify' : 'msg_notify';
    const text = d.kind === 'custom' ? d.data : d.text;
    emit({ kind: 'im', event: name, tag: name, remote: d.from, msg: text });
    imLine(d.from, d.group ? 'group' : 'to me', d.kind === 'custom' ? `[custom] ${d.data} ${d.desc || ''} ${d.ext || ''}` : d.text);
  }

  function imLine(from, where, text) {
    const box = $('#rb-im');
    if (!box) return;
    const line = document.createElement('div');
    line.textContent = `${new Date().toISOString().slice(11, 19)} ${from} (${where}): ${text}`;
    box.appendChild(line);
    box.scrollTop = box.scrollHeight;
  }

  // ---- statistics: one sample a second, in the bots' field names ----

  const num = (x) => (typeof x === 'number' && isFinite(x) ? x : 0);
  const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
  const mean = (a) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : undefined);

  async function collectStats() {
    const pc = st.pc;
    if (!pc || st.phase !== 'in') return;
    const now = Date.now();
    const iv = st.lastSample ? (now - st.lastSample) / 1000 : 1;
    st.lastSample = now;
    const sample = { ts: new Date(now).toISOString(), user: st.userID, room: st.room, interval_s: round(iv, 3), tx_kbps: 0, rx_kbps: 0, tx_packets: 0, rx_packets: 0,
      rx_lost: 0, rx_loss_pct: 0, rx_expected: 0, tx_retransmitted_packets: 0, tx_retransmitted_kbps: 0, fps: 0, freezes: 0, freeze_ms: 0, nacks: 0, plis: 0, firs: 0, tracks: [] };
    const rtts = [], jitters = [];
    let expected = 0;
    for (const kind of ['audio', 'video']) {
      const t = st.upstream[kind];
      if (!t) continue;
      const rep = await t.sender.getStats();
      let out = null, ri = null;
      rep.forEach((s) => { if (s.type === 'outbound-rtp') out = s; if (s.type === 'remote-inbound-rtp') ri = s; });
      if (!out) continue;
      const key = 'tx:' + kind;
      const p = st.prev.get(key);
      const cur = { t: now, bytes: num(out.bytesSent), packets: num(out.packetsSent), nacks: num(out.nackCount), plis: num(out.pliCount), firs: num(out.firCount),
        rtxPackets: num(out.retransmittedPacketsSent), rtxBytes: num(out.retransmittedBytesSent),
        lost: ri ? num(ri.packetsLost) : 0, rttn: ri ? num(ri.roundTripTimeMeasurements) : 0 };
      st.prev.set(key, cur);
      if (!p) continue;
      const secs = (cur.t - p.t) / 1000 || 1;
      const tr = { dir: 'tx', kind, ssrc: num(out.ssrc), kbps: round((cur.bytes - p.bytes) * 8 / 1000 / secs, 1), packets: cur.packets - p.packets,
        lost: cur.lost - p.lost, nacks: cur.nacks - p.nacks, plis: cur.plis - p.plis, firs: cur.firs - p.firs,
        retransmitted_packets: cur.rtxPackets - p.rtxPackets, retransmitted_kbps: round((cur.rtxBytes - p.rtxBytes) * 8 / 1000 / secs, 1) };
      // The receiver's view, only with a new receiver report (never stale,
      // never 0 in place of "not measured"). Its fraction lost is what NACK
      // repair left; for audio (not repaired) it is also the path loss.
      // Video path loss (distinct NACKed packets) is not in getStats.
      if (ri && cur.rttn > p.rttn) {
        tr.loss_after_repair_pct = round(100 * num(ri.fractionLost), 2);
        if (kind === 'audio') tr.loss_pct = tr.loss_after_repair_pct;
        tr.jitter_ms = round(num(ri.jitter) * 1000, 2);
        tr.rtt_ms = round(num(ri.roundTripTime) * 1000, 2);
        rtts.push(tr.rtt_ms);
      }
      sample.tracks.push(tr);
      sample.tx_kbps += tr.kbps; sample.tx_packets += tr.packets;
      sample.tx_retransmitted_packets += tr.retransmitted_packets; sample.tx_retransmitted_kbps += tr.retransmitted_kbps;
    }
    for (const r of st.remotes.values()) {
      const lines = [];
      for (const kind of ['audio', 'video']) {
        const rc = r.receivers[kind];
        if (!rc) continue;
        const rep = await rc.getStats();
        let inb = null, ro = null;
        rep.forEach((s) => { if (s.type === 'inbound-rtp') inb = s; if (s.type === 'remote-outbound-rtp') ro = s; });
        if (!inb) continue;
        const key = 'rx:' + r.userID + ':' + kind;
        const p = st.prev.get(key);
        const cur = { t: now, ssrc: num(inb.ssrc), bytes: num(inb.bytesReceived), packets: num(inb.packetsReceived), lost: num(inb.packetsLost),
          frames: num(inb.framesDecoded), freezes: num(inb.freezeCount), freezeS: num(inb.totalFreezesDuration),
          nacks: num(inb.nackCount), plis: num(inb.pliCount), firs: num(inb.firCount), rttn: ro ? num(ro.roundTripTimeMeasurements) : 0 };
        st.prev.set(key, cur);
        if (!p || p.ssrc !== cur.ssrc) continue; // a new stream starts its counters again
        const secs = (cur.t - p.t) / 1000 || 1;
        // RFC 3550: cumulative lost = expected - received (retransmissions
        // count as received), so received + lost is the expected count from
        // sequence numbers and lost is the loss NACK repair left. The path
        // loss before repair (the bots' loss_pct) is not in getStats.
        const got = cur.packets - p.packets, lost = cur.lost - p.lost, exp = Math.max(0, got + lost);
        const tr = { dir: 'rx', kind, remote: r.userID, ssrc: cur.ssrc, kbps: round((cur.bytes - p.bytes) * 8 / 1000 / secs, 1), packets: got,
          lost, expected: exp, nacks: cur.nacks - p.nacks, plis: cur.plis - p.plis, firs: cur.firs - p.firs };
        if (exp > 0) tr.loss_after_repair_pct = round(100 * Math.max(0, lost) / exp, 2);
        expected += exp;
        if (got > 0) { tr.jitter_ms = round(num(inb.jitter) * 1000, 2); jitters.push(tr.jitter_ms); }
        if (ro && cur.rttn > p.rttn) { tr.rtt_ms = round(num(ro.roundTripTime) * 1000, 2); rtts.push(tr.rtt_ms); }
        if (kind === 'video') {
          tr.frames = cur.frames - p.frames;
          tr.fps = round(tr.frames / secs, 1);
          tr.freezes = cur.freezes - p.freezes;
          tr.freeze_ms = round((cur.freezeS - p.freezeS) * 1000, 1);
          sample.fps += tr.fps; sample.freezes += tr.freezes; sample.freeze_ms += tr.freeze_ms;
        }
        sample.tracks.push(tr);
        sample.rx_kbps += tr.kbps; sample.rx_packets += tr.packets; sample.rx_lost += tr.lost;
        sample.nacks += tr.nacks; sample.plis += tr.plis; sample.firs += tr.firs;
        lines.push(`${kind} ${tr.kbps.toFixed(0)} kbps` + (kind === 'video' ? ` ${tr.fps.toFixed(0)} fps` : '') +
          (tr.loss_after_repair_pct !== undefined ? ` loss ${tr.loss_after_repair_pct}%` : '') + (tr.rtt_ms !== undefined ? ` rtt ${tr.rtt_ms} ms` : '') + (tr.jitter_ms !== undefined ? ` jit ${tr.jitter_ms} ms` : ''));
      }
      r.view.querySelector('.rb-stats').textContent = lines.join('\n');
    }
    sample.rx_expected = expected;
    if (expected > 0 && sample.rx_lost > 0) sample.rx_loss_pct = round(100 * sample.rx_lost / expected, 2);
    const rtt = mean(rtts), jit = mean(jitters);
    if (rtt !== undefined) sample.rtt_ms = round(rtt, 2);
    if (jit !== undefined) sample.jitter_ms = round(jit, 2);
    sample.tx_kbps = round(sample.tx_kbps, 1); sample.rx_kbps = round(sample.rx_kbps, 1); sample.tx_retransmitted_kbps = round(sample.tx_retransmitted_kbps, 1);
    if (sample.tracks.length > 0) {
      st.samples.push(sample);
      if (st.samples.length > 600) st.samples.shift();
    }
  }

  // ---- sign in ----

  const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
  const swap = (s) => s.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');

  async function hmac(key, text) {
    const k = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return crypto.subtle.sign('HMAC', k, new TextEncoder().encode(text));
  }

  async function zlib(bytes) {
    const cs = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate')); // RFC 1950 zlib
    return new Uint8Array(await new Response(cs).arrayBuffer());
  }

  // signV2 makes a TLS-Sig v2 document (reference §1) with an optional
  // userbuf (the privateMapKey of §2).
  async function signV2(sdkAppID, key, userID, expire, userbuf) {
    const time = Math.floor(Date.now() / 1000);
    let content = `TLS.identifier:${userID}\nTLS.sdkappid:${sdkAppID}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
    const doc = { 'TLS.ver': '2.0', 'TLS.identifier': userID, 'TLS.sdkappid': sdkAppID, 'TLS.expire': expire, 'TLS.time': time };
    if (userbuf) { const ub = b64(userbuf); content += `TLS.userbuf:${ub}\n`; doc['TLS.userbuf'] = ub; }
    doc['TLS.sig'] = b64(await hmac(key, content));
    return swap(b64(await zlib(new TextEncoder().encode(JSON.stringify(doc)))));
  }

  function userbuf(sdkAppID, userID, room, expire, privileges) {
    const acc = new TextEncoder().encode(userID);
    const rs = room.strRoomID ? new TextEncoder().encode(room.strRoomID) : null;
    const buf = new DataView(new ArrayBuffer(23 + acc.length + (rs ? 2 + rs.length : 0)));
    let o = 0;
    buf.setUint8(o, rs ? 1 : 0); o += 1;
    buf.setUint16(o, acc.length); o += 2;
    acc.forEach((b) => buf.setUint8(o++, b));
    buf.setUint32(o, sdkAppID); o += 4;
    buf.setUint32(o, rs ? 0 : room.roomID); o += 4;
    buf.setUint32(o, (Math.floor(Date.now() / 1000) + expire) >>> 0); o += 4;
    buf.setUint32(o, privileges); o += 4;
    buf.setUint32(o, 0); o += 4;
    if (rs) { buf.setUint16(o, rs.length); o += 2; rs.forEach((b) => buf.setUint8(o++, b)); }
    return buf.buffer;
  }

  // credentials signs in: "dev" signs here with the published dev key (the
  // server's dev app), "api" asks POST /api/sign, "manual" uses what was given.
  async function credentials(mode, userID, room, extra) {
    if (mode === 'dev') {
      const dev = st.config.devApp;
      if (!dev) throw new Error('this service has no dev app: use the signing endpoint or your own userSig');
      const expire = 86400;
      return { sdkAppID: dev.sdkAppID, userID, userSig: await signV2(dev.sdkAppID, dev.key, userID, expire),
        privateMapKey: await signV2(dev.sdkAppID, dev.key, userID, expire, userbuf(dev.sdkAppID, userID, room, expire, 255)) };
    }
    if (mode === 'api') {
      const headers = { 'Content-Type': 'application/json' };
      if (extra.token) headers.Authorization = 'Bearer ' + extra.token;
      const res = await fetch('/api/sign', { method: 'POST', headers, body: JSON.stringify(Object.assign({ userID }, room)) });
      const body = await res.json().catch(() => ({}));
      if (!res.ok || body.error) {
        emit({ kind: 'room', event: 'error', tag: 'error', code: -9, msg: `signing endpoint: HTTP ${res.status} ${body.error || ''}` });
        throw Object.assign(new Error('signing endpoint: HTTP ' + res.status + ' ' + (body.error || '')), { code: -9 });
      }
      return { sdkAppID: body.sdkAppID, userID: body.userID, userSig: body.userSig, privateMapKey: body.privateMapKey || '' };
    }
    return { sdkAppID: Number(extra.sdkAppID), userID, userSig: extra.userSig, privateMapKey: extra.privateMapKey || '' };
  }

  // ---- the form and controls ----

  function setStatus(s) { const e = $('#rb-status'); if (e) e.textContent = s; }
  function alertError(e) { setStatus('error: ' + (e.code ? e.code + ' ' : '') + e.message); }

  async function enterFromForm(f, template) {
    const userID = f.userid.value.trim();
    const room = parseRoom(f.room.value);
    const cr = await credentials(f.sign.value, userID, room, { token: f.token.value, sdkAppID: f.sdkappid.value, userSig: f.usersig.value, privateMapKey: f.pmk.value });
    return enter(Object.assign(cr, room, { role: f.role.value, im: f.im.checked, template }));
  }

  function bindUI() {
    const f = $('#rb-form');
    const showSign = () => {
      document.querySelectorAll('.rb-sign-api').forEach((e) => { e.hidden = f.sign.value !== 'api'; });
      document.querySelectorAll('.rb-sign-manual').forEach((e) => { e.hidden = f.sign.value !== 'manual'; });
    };
    f.sign.onchange = showSign;
    if (!st.config.devApp) f.sign.value = st.config.signEndpoint ? 'api' : 'manual';
    showSign();
    for (const sel of ['#rb-template-select', '#rb-template-live']) {
      const s = $(sel);
      for (const n of st.config.templates) { const o = document.createElement('option'); o.value = o.textContent = n; s.appendChild(o); }
    }
    $('#rb-template-live').onchange = (e) => setTemplate(e.target.value).catch(alertError);
    $('#rb-template-select').onchange = (e) => setTemplate(e.target.value).catch(alertError);
    f.onsubmit = (e) => { e.preventDefault(); enterFromForm(f, f.template.value).catch(alertError); };
    $('#rb-leave').onclick = () => leave().catch(alertError);
    $('#rb-mute').onclick = () => setMuted(!st.muted).catch(alertError);
    $('#rb-camera').onclick = () => setCamera(st.cameraOff).catch(alertError);
    $('#rb-switch').onclick = () => switchCamera().catch(alertError);
    $('#rb-beauty').oninput = (e) => { setBeauty(e.target.value); updateLocalView(); emit({ kind: 'action', event: 'set_beauty', value: st.beauty }); };
    $('#rb-im-form').onsubmit = (e) => {
      e.preventDefault();
      const t = e.target;
      const to = t.to.value.trim();
      sendIM(to ? { to, kind: 'text', text: t.text.value } : { kind: 'text', text: t.text.value }).then(() => { t.text.value = ''; }).catch(alertError);
    };
  }

  async function boot() {
    const [cfg, codes] = await Promise.all([
      fetch('/web/config.json').then((r) => r.json()),
      fetch('/web/codes.json').then((r) => r.json()),
    ]);
    st.config = cfg; st.codes = codes;
    bindUI();
    const q = new URLSearchParams(location.search);
    const f = $('#rb-form');
    if (q.get('userid')) f.userid.value = q.get('userid');
    else f.userid.value = 'web_' + Math.random().toString(16).slice(2, 8);
    if (q.get('room')) f.room.value = q.get('room');
    if (q.get('sign')) f.sign.value = q.get('sign');
    if (q.get('role')) f.role.value = q.get('role') === 'audience' ? 'viewer' : q.get('role');
    if (q.get('im') === '0') f.im.checked = false;
    f.sign.onchange();
    const tpl = q.get('template') || cfg.defaultTemplate;
    await setTemplate(tpl);
    document.body.dataset.ready = '1';
    if (q.get('autostart') === '1') await enterFromForm(f, tpl);
  }

  window.roombot = {
    ready: () => document.body.dataset.ready === '1',
    enter, leave, setTemplate, switchCamera, setBeauty,
    mute: () => setMuted(true), unmute: () => setMuted(false), setMuted,
    cameraOn: () => setCamera(true), cameraOff: () => setCamera(false), setCamera,
    pause: () => setPaused(true), resume: () => setPaused(false),
    block: (uid, kind) => block(uid, kind, true), unblock: (uid, kind) => block(uid, kind, false),
    sendGroupText: (text) => sendIM({ kind: 'text', text }),
    sendGroupCustom: (data, desc, ext) => sendIM({ kind: 'custom', data, desc, ext }),
    sendC2CText: (to, text) => sendIM({ to, kind: 'text', text }),
    sendC2CCustom: (to, data, desc, ext) => sendIM({ to, kind: 'custom', data, desc, ext }),
    // drain returns the events and stats samples since the last call.
    drain: () => { const out = { events: st.events, samples: st.samples, dropped: st.dropped }; st.events = []; st.samples = []; st.dropped = 0; return out; },
    count: (selector) => document.querySelectorAll(selector).length,
    state: () => ({
      phase: st.phase, userID: st.userID, room: st.room, template: st.template, maxMembers: st.maxMembers,
      muted: st.muted, cameraOff: st.cameraOff, paused: st.paused, beauty: st.beauty, source: st.local.source,
      pageErrors: st.pageErrors.slice(),
      remotes: st.order.map((uid, i) => {
        const r = st.remotes.get(uid);
        const v = r.view.querySelector('video');
        return { userID: uid, shown: i < st.maxMembers, audioMuted: r.audioMuted, videoOff: r.videoOff, audioBlocked: r.audioBlocked,
          videoBlocked: r.videoBlocked, hasAudio: !!r.audio, hasVideo: !!r.video, width: v.videoWidth, height: v.videoHeight };
      }),
    }),
  };

  // Script errors are kept for state().pageErrors (tests require none).
  window.addEventListener('error', (e) => st.pageErrors.push(String(e.message || e)));
  window.addEventListener('unhandledrejection', (e) => st.pageErrors.push('unhandled rejection: ' + String(e.reason && e.reason.message || e.reason)));
  boot().catch((e) => { setStatus('error: ' + e.message); document.body.dataset.ready = 'error'; st.pageErrors.push('boot: ' + e.message); });
})();
