/** Names of TLS numbers the parser reports. */

/** Alert descriptions (RFC 8446 §6, RFC 5246 §7.2, RFC 7301 §3.2, RFC 8446 §B.2). */
const ALERTS: Record<number, string> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  21: "decryption_failed",
  22: "record_overflow",
  30: "decompression_failure",
  40: "handshake_failure",
  41: "no_certificate",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  60: "export_restriction",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  100: "no_renegotiation",
  109: "missing_extension",
  110: "unsupported_extension",
  111: "certificate_unobtainable",
  112: "unrecognized_name",
  113: "bad_certificate_status_response",
  114: "bad_certificate_hash_value",
  115: "unknown_psk_identity",
  116: "certificate_required",
  120: "no_application_protocol",
};

export function tlsAlertName(description: number): string {
  return ALERTS[description] ?? `alert_${description}`;
}

/** "TLS 1.2" for 0x0303, "SSL 3.0" for 0x0300; hex otherwise. */
export function tlsVersionName(version: number): string {
  switch (version) {
    case 0x0300:
      return "SSL 3.0";
    case 0x0301:
      return "TLS 1.0";
    case 0x0302:
      return "TLS 1.1";
    case 0x0303:
      return "TLS 1.2";
    case 0x0304:
      return "TLS 1.3";
    case 0:
      return "";
    default:
      return `0x${version.toString(16).padStart(4, "0")}`;
  }
}

/** GREASE values (RFC 8701): 0x?A?A, reserved to keep extension points supple; never real. */
export function isGrease(value: number): boolean {
  return (value & 0x0f0f) === 0x0a0a && value >> 12 === ((value >> 4) & 0x0f);
}
