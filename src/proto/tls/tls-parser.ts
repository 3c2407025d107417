/**
 * TLS 1.0–1.3 over one TCP connection, without keys: the record layer (RFC 8446 §5.1, RFC 5246
 * §6.2) of both directions, handshake messages in clear (reassembled across records, records
 * across segments), ChangeCipherSpec, alerts, and application-data records as turns.
 *
 * What is visible without keys differs by version. Up to 1.2 every handshake message before
 * ChangeCipherSpec is in clear (hellos, certificates, key exchange); Finished is the first
 * encrypted handshake record. In 1.3 only ClientHello and ServerHello (or HelloRetryRequest) are
 * in clear; everything after ServerHello is an application_data record, so the client's Finished
 * is recognised as its first encrypted record, and the server's encrypted flight as its records
 * before that.
 */
import { TurnTracker } from "../turns/turn-tracker.ts";
import type { ProtoSink, StreamConsumer, StreamDir, StreamEndReason } from "../types.ts";
import { countCertificates, HelloState, parseClientHello, parseServerHello } from "./tls-hello.ts";
import { newTlsSession, type TlsSessionMessage } from "./tls-message.ts";
import { tlsAlertName, tlsVersionName } from "./tls-names.ts";

export const ContentType = {
  CHANGE_CIPHER_SPEC: 20,
  ALERT: 21,
  HANDSHAKE: 22,
  APPLICATION_DATA: 23,
  HEARTBEAT: 24,
} as const;

const HandshakeType = {
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  CERTIFICATE: 11,
} as const;

const RECORD_HEADER_BYTES = 5;
const HANDSHAKE_HEADER_BYTES = 4;
/** Largest record: TLSCiphertext may carry 2^14 + 2048 bytes (RFC 5246 §6.2.3). */
export const MAX_RECORD_BYTES = 16384 + 2048;
/**
 * Largest handshake message buffered for parsing. Hellos are a few KiB (a post-quantum key share
 * adds ~1.2 KiB); certificate chains are usually 3–8 KiB. Larger messages are counted, not parsed.
 */
export const MAX_HANDSHAKE_BYTES = 64 * 1024;
/** Alerts kept per connection (a misbehaving peer may send many). */
const MAX_ALERTS = 16;

const State = { HEADER: 0, BODY: 1, RESYNC: 2, STOPPED: 3 } as const;
type State = (typeof State)[keyof typeof State];

class TlsDirection {
  state: State = State.HEADER;
  readonly header = new Uint8Array(RECORD_HEADER_BYTES);
  headerLen = 0;
  type = 0;
  lengthBytes = 0;
  remaining = 0;
  recordStartOffset = 0;
  recordFirstFrame = 0;
  recordFirstTimeMs = 0;
  /** Keys changed: later records of this direction are encrypted. */
  encrypted = false;
  /** `encrypted` as it was when the current record began (a change applies to the next record). */
  recordEncrypted = false;
  /** The current record belongs to the handshake (ChangeCipherSpec, handshake, 1.3 flight). */
  recordHandshake = false;
  /** A valid record was seen. */
  recordSeen = false;
  // Handshake message assembly.
  readonly hsHeader = new Uint8Array(HANDSHAKE_HEADER_BYTES);
  hsHeaderLen = 0;
  hsType = 0;
  hsLen = 0;
  hsRemaining = 0;
  hsBuf = new Uint8Array(0);
  hsBufLen = 0;
  hsSkip = false;
  hsFirstFrame = 0;
  hsFirstTimeMs = 0;
  /** A gap hit a handshake header: message boundaries are lost for this direction. */
  hsBroken = false;
  readonly alert = new Uint8Array(2);
  alertLen = 0;
  recordGap = false;
}

export class TlsParser implements StreamConsumer {
  wantsData = true;
  readonly session: TlsSessionMessage = newTlsSession();
  private readonly sink: ProtoSink;
  private readonly dirs: [TlsDirection, TlsDirection] = [new TlsDirection(), new TlsDirection()];
  private readonly hello = new HelloState();
  private readonly turns: TurnTracker;
  private readonly ended = [false, false];
  private lastFlightDir = -1;
  private serverFlights = 0;
  private serverHelloFlight = -1;
  private roundTripsSet = false;

  constructor(sink: ProtoSink) {
    this.sink = sink;
    this.turns = new TurnTracker(sink, "tls");
  }

  private get isTls13(): boolean {
    return this.session.version === 0x0304;
  }

  onData(dir: StreamDir, bytes: Uint8Array, offset: number, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      switch (d.state) {
        case State.HEADER:
          if (d.headerLen === 0) {
            d.recordFirstFrame = frame;
            d.recordFirstTimeMs = timeMs;
            d.recordStartOffset = offset + i;
          }
          while (i < n && d.headerLen < RECORD_HEADER_BYTES) d.header[d.headerLen++] = bytes[i++];
          if (d.headerLen === RECORD_HEADER_BYTES) this.beginRecord(dir, d, frame, timeMs);
          break;
        case State.BODY: {
          const take = Math.min(d.remaining, n - i);
          this.recordBytes(dir, d, bytes, i, take, frame, timeMs);
          i += take;
          d.remaining -= take;
          if (d.remaining === 0) this.endRecord(dir, d, frame, timeMs);
          break;
        }
        case State.RESYNC:
          i = this.resync(dir, d, bytes, i, offset, frame, timeMs);
          break;
        default:
          return;
      }
    }
  }

  onGap(dir: StreamDir, offset: number, len: number, frame: number, timeMs: number): void {
    const d = this.dirs[dir];
    if (d.state === State.BODY && len <= d.remaining) {
      d.remaining -= len;
      d.recordGap = true;
      if (d.type === ContentType.HANDSHAKE && !d.recordEncrypted) this.handshakeGap(d, len);
      if (d.remaining === 0) this.endRecord(dir, d, frame, timeMs);
      return;
    }
    if (d.state === State.STOPPED) return;
    this.sink.anomaly({
      name: "tls-gap-lost-records",
      dir,
      offsetBytes: offset,
      frame,
      timeMs,
      detail: `${len} bytes missing`,
    });
    d.state = State.RESYNC;
    d.headerLen = 0;
    d.hsBroken = true;
  }

  onEnd(
    dir: StreamDir,
    _reason: StreamEndReason,
    offset: number,
    frame: number,
    timeMs: number,
  ): void {
    if (this.ended[dir]) return;
    this.ended[dir] = true;
    const d = this.dirs[dir];
    if (d.state === State.BODY || (d.state === State.HEADER && d.headerLen > 0)) {
      this.sink.anomaly({
        name: "tls-record-cut",
        dir,
        offsetBytes: offset,
        frame,
        timeMs,
        detail: "stream ended inside a record",
      });
    }
    d.state = State.STOPPED;
    if (this.ended[0] && this.ended[1]) {
      this.turns.flush();
      if (this.dirs[0].recordSeen || this.dirs[1].recordSeen) {
        this.session.versionName = tlsVersionName(this.session.version);
        this.sink.message(this.session);
      }
    }
  }

  private static plausibleHeader(b: Uint8Array, at: number): boolean {
    const type = b[at];
    const length = (b[at + 3] << 8) | b[at + 4];
    return (
      type >= ContentType.CHANGE_CIPHER_SPEC &&
      type <= ContentType.HEARTBEAT &&
      b[at + 1] === 3 &&
      b[at + 2] <= 4 &&
      length > 0 &&
      length <= MAX_RECORD_BYTES
    );
  }

  private beginRecord(dir: StreamDir, d: TlsDirection, frame: number, timeMs: number): void {
    d.headerLen = 0;
    if (!TlsParser.plausibleHeader(d.header, 0)) {
      const h = d.header;
      this.sink.anomaly({
        name: "tls-bad-record-header",
        dir,
        offsetBytes: d.recordStartOffset,
        frame,
        timeMs,
        detail: `type ${h[0]} version 0x${((h[1] << 8) | h[2]).toString(16)} length ${(h[3] << 8) | h[4]}`,
      });
      this.session.recordLayerLost = true;
      // Not TLS at all (first record): stop; later damage: look for the next record.
      d.state = d.recordSeen ? State.RESYNC : State.STOPPED;
      return;
    }
    d.recordSeen = true;
    d.type = d.header[0];
    d.lengthBytes = (d.header[3] << 8) | d.header[4];
    d.remaining = d.lengthBytes;
    d.state = State.BODY;
    d.alertLen = 0;
    d.recordGap = false;
    d.recordEncrypted = d.encrypted;
    if (this.session.recordVersion === 0)
      this.session.recordVersion = (d.header[1] << 8) | d.header[2];
    if (!this.session.handshakeComplete && d.type !== ContentType.APPLICATION_DATA)
      this.flight(dir, timeMs);
    else if (!this.session.handshakeComplete && this.isTls13 && dir === 1) this.flight(dir, timeMs);
    d.recordHandshake =
      d.type === ContentType.HANDSHAKE ||
      d.type === ContentType.CHANGE_CIPHER_SPEC ||
      (d.type === ContentType.APPLICATION_DATA &&
        this.isTls13 &&
        dir === 1 &&
        !this.session.handshakeComplete);
  }

  /** A handshake-phase record from `dir`: a new flight when the other side spoke last. */
  private flight(dir: StreamDir, timeMs: number): void {
    if (dir === this.lastFlightDir) return;
    this.lastFlightDir = dir;
    if (dir === 1) this.serverFlights++;
    const s = this.session;
    // A client flight answering a server flight: the gap between them is the client's.
    if (dir === 0 && s.serverHandshakeEndFrame >= 0 && timeMs > s.serverHandshakeEndTimeMs) {
      s.clientFlightWaitMs += timeMs - s.serverHandshakeEndTimeMs;
      s.clientFlightWaits++;
    }
  }

  private recordBytes(
    dir: StreamDir,
    d: TlsDirection,
    bytes: Uint8Array,
    at: number,
    len: number,
    frame: number,
    timeMs: number,
  ): void {
    if (d.type === ContentType.HANDSHAKE && !d.recordEncrypted && !d.hsBroken) {
      this.handshakeBytes(dir, d, bytes, at, len, frame, timeMs);
    } else if (d.type === ContentType.ALERT) {
      for (let k = 0; k < len && d.alertLen < 2; k++) d.alert[d.alertLen++] = bytes[at + k];
    }
  }

  private endRecord(dir: StreamDir, d: TlsDirection, frame: number, timeMs: number): void {
    d.state = State.HEADER;
    const s = this.session;
    // TLS 1.3 NewSessionTicket (after the client's Finished) is not a flight the client waits for.
    if (dir === 1 && d.recordHandshake && !(this.isTls13 && s.handshakeComplete)) {
      s.serverHandshakeEndFrame = frame;
      s.serverHandshakeEndTimeMs = timeMs;
    }
    switch (d.type) {
      case ContentType.CHANGE_CIPHER_SPEC:
        // In TLS 1.3 ChangeCipherSpec is only middlebox compatibility (RFC 8446 §D.4).
        if (!this.isTls13) d.encrypted = true;
        break;
      case ContentType.HANDSHAKE:
        if (d.recordEncrypted) {
          // The first encrypted handshake record is Finished (RFC 5246 §7.4.9).
          if (dir === 0 && s.clientFinishedFrame < 0) {
            s.clientFinishedFrame = d.recordFirstFrame;
            s.clientFinishedTimeMs = d.recordFirstTimeMs;
            s.handshakeComplete = s.handshakeComplete || s.serverFinishedFrame >= 0;
          } else if (dir === 1 && s.serverFinishedFrame < 0) {
            s.serverFinishedFrame = d.recordFirstFrame;
            s.serverFinishedTimeMs = d.recordFirstTimeMs;
            this.setRoundTrips();
            s.handshakeComplete = s.clientFinishedFrame >= 0;
          }
        }
        break;
      case ContentType.ALERT:
        this.alert(dir, d, frame, timeMs);
        break;
      case ContentType.APPLICATION_DATA:
        this.applicationData(dir, d, frame, timeMs);
        break;
      default:
        break;
    }
    if (dir === 1 && this.serverFlights === this.serverHelloFlight && this.lastFlightDir === 1) {
      s.serverFlightEndFrame = frame;
      s.serverFlightEndTimeMs = timeMs;
    }
  }

  private setRoundTrips(): void {
    if (this.roundTripsSet) return;
    this.roundTripsSet = true;
    this.session.handshakeRoundTrips = this.serverFlights;
  }

  private applicationData(dir: StreamDir, d: TlsDirection, frame: number, timeMs: number): void {
    const s = this.session;
    if (this.isTls13 && !s.handshakeComplete) {
      if (dir === 1) return; // the server's encrypted flight (EncryptedExtensions … Finished)
      // The client's first encrypted record is its Finished (RFC 8446 §4.4.4).
      s.clientFinishedFrame = d.recordFirstFrame;
      s.clientFinishedTimeMs = d.recordFirstTimeMs;
      s.handshakeComplete = true;
      this.lastFlightDir = 0;
      this.setRoundTrips();
      return;
    }
    if (dir === 0) {
      this.setRoundTrips();
      if (s.clientFirstAppDataFrame < 0) {
        s.clientFirstAppDataFrame = d.recordFirstFrame;
        s.clientFirstAppDataTimeMs = d.recordFirstTimeMs;
      }
    } else if (s.serverFirstAppDataFrame < 0) {
      s.serverFirstAppDataFrame = d.recordFirstFrame;
      s.serverFirstAppDataTimeMs = d.recordFirstTimeMs;
    }
    const bytes = d.lengthBytes + RECORD_HEADER_BYTES;
    s.appDataRecords[dir]++;
    s.appDataBytes[dir] += bytes;
    this.turns.add(
      dir,
      bytes,
      d.recordStartOffset,
      d.recordFirstFrame,
      d.recordFirstTimeMs,
      frame,
      timeMs,
    );
  }

  private alert(dir: StreamDir, d: TlsDirection, frame: number, timeMs: number): void {
    const s = this.session;
    if (s.alerts.length >= MAX_ALERTS) return;
    // After the keys change (CCS up to 1.2; after ServerHello in 1.3) an alert is encrypted.
    const clear = d.lengthBytes === 2 && !d.recordEncrypted && !d.recordGap && d.alertLen === 2;
    const level = clear ? d.alert[0] : 0;
    const description = clear ? d.alert[1] : -1;
    const name = clear ? tlsAlertName(description) : "encrypted";
    s.alerts.push({
      dir,
      level,
      description,
      name,
      frame: d.recordFirstFrame,
      timeMs: d.recordFirstTimeMs,
    });
    if (level === 2) {
      this.sink.anomaly({
        name: "tls-fatal-alert",
        dir,
        offsetBytes: d.recordStartOffset,
        frame,
        timeMs,
        detail: name,
      });
    }
  }

  // ── handshake messages ──

  private handshakeBytes(
    dir: StreamDir,
    d: TlsDirection,
    bytes: Uint8Array,
    at: number,
    len: number,
    frame: number,
    timeMs: number,
  ): void {
    const end = at + len;
    let i = at;
    while (i < end) {
      if (d.hsHeaderLen < HANDSHAKE_HEADER_BYTES) {
        if (d.hsHeaderLen === 0) {
          d.hsFirstFrame = frame;
          d.hsFirstTimeMs = timeMs;
        }
        while (i < end && d.hsHeaderLen < HANDSHAKE_HEADER_BYTES)
          d.hsHeader[d.hsHeaderLen++] = bytes[i++];
        if (d.hsHeaderLen < HANDSHAKE_HEADER_BYTES) return;
        d.hsType = d.hsHeader[0];
        d.hsLen = (d.hsHeader[1] << 16) | (d.hsHeader[2] << 8) | d.hsHeader[3];
        d.hsRemaining = d.hsLen;
        d.hsBufLen = 0;
        d.hsSkip = d.hsLen > MAX_HANDSHAKE_BYTES;
        if (!d.hsSkip && d.hsBuf.length < d.hsLen) d.hsBuf = new Uint8Array(Math.max(512, d.hsLen));
        if (d.hsRemaining === 0) this.handshakeMessage(dir, d);
        continue;
      }
      const take = Math.min(d.hsRemaining, end - i);
      if (!d.hsSkip) d.hsBuf.set(bytes.subarray(i, i + take), d.hsBufLen);
      d.hsBufLen += take;
      d.hsRemaining -= take;
      i += take;
      if (d.hsRemaining === 0) this.handshakeMessage(dir, d);
    }
  }

  private handshakeGap(d: TlsDirection, len: number): void {
    if (d.hsHeaderLen === HANDSHAKE_HEADER_BYTES && len <= d.hsRemaining) {
      d.hsSkip = true;
      d.hsRemaining -= len;
      if (d.hsRemaining === 0) d.hsHeaderLen = 0;
      return;
    }
    d.hsBroken = true;
  }

  private handshakeMessage(dir: StreamDir, d: TlsDirection): void {
    d.hsHeaderLen = 0;
    const s = this.session;
    const skip = d.hsSkip;
    const b = d.hsBuf;
    const len = d.hsLen;
    if (d.hsBuf.length > 16384) d.hsBuf = new Uint8Array(0);
    let problem = "";
    switch (d.hsType) {
      case HandshakeType.CLIENT_HELLO:
        if (dir !== 0) break;
        s.clientHelloCount++;
        if (s.clientHelloFrame < 0) {
          s.clientHelloFrame = d.hsFirstFrame;
          s.clientHelloTimeMs = d.hsFirstTimeMs;
        }
        if (!skip) {
          s.clientHelloSeen = true;
          problem = parseClientHello(b, 0, len, s, this.hello);
        }
        break;
      case HandshakeType.SERVER_HELLO:
        if (dir !== 1 || skip) break;
        problem = parseServerHello(b, 0, len, s, this.hello);
        if (problem === "" && s.serverHelloSeen && s.serverHelloFrame < 0) {
          s.serverHelloFrame = d.hsFirstFrame;
          s.serverHelloTimeMs = d.hsFirstTimeMs;
          this.serverHelloFlight = this.serverFlights;
          // TLS 1.3: everything after ServerHello is encrypted (RFC 8446 §2).
          if (this.isTls13) {
            d.encrypted = true;
            this.dirs[0].encrypted = true;
          }
        }
        break;
      case HandshakeType.CERTIFICATE: {
        const count = skip ? -1 : countCertificates(b, 0, len);
        if (dir === 1) {
          s.certificateCount = count;
          s.certificateBytes = len;
        } else if (count !== 0) {
          s.clientCertificate = true;
        }
        break;
      }
      default:
        break;
    }
    if (problem !== "") {
      this.sink.anomaly({
        name: problem,
        dir,
        offsetBytes: -1,
        frame: d.hsFirstFrame,
        timeMs: d.hsFirstTimeMs,
        detail: `handshake type ${d.hsType}, ${len} bytes`,
      });
    }
  }

  /** Looks for the next plausible record header; needs it whole within this chunk. */
  private resync(
    dir: StreamDir,
    d: TlsDirection,
    bytes: Uint8Array,
    from: number,
    offset: number,
    frame: number,
    timeMs: number,
  ): number {
    for (let i = from; i + RECORD_HEADER_BYTES <= bytes.length; i++) {
      if (!TlsParser.plausibleHeader(bytes, i)) continue;
      // When the next header falls in this chunk too, require it to be plausible as well.
      const next = i + RECORD_HEADER_BYTES + ((bytes[i + 3] << 8) | bytes[i + 4]);
      if (next + RECORD_HEADER_BYTES <= bytes.length && !TlsParser.plausibleHeader(bytes, next))
        continue;
      this.sink.anomaly({
        name: "tls-resync",
        dir,
        offsetBytes: offset + i,
        frame,
        timeMs,
        detail: `skipped ${i - from} bytes`,
      });
      d.state = State.HEADER;
      d.headerLen = 0;
      return i;
    }
    return bytes.length;
  }
}
