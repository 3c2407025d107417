import assert from "node:assert/strict";
import { test } from "node:test";
import { connState } from "./conn-state.ts";
import { EndpointState as E } from "./endpoint-state.ts";

test("Zeek conn_state from endpoint states", () => {
  assert.equal(connState(E.SYN_SENT, E.INACTIVE, 0, 0, "S"), "S0");
  assert.equal(connState(E.SYN_SENT, E.RESET, 0, 0, "Sr"), "REJ");
  assert.equal(connState(E.ESTABLISHED, E.ESTABLISHED, 10, 10, "ShADad"), "S1");
  assert.equal(connState(E.CLOSED, E.CLOSED, 10, 10, "ShADadFf"), "SF");
  assert.equal(connState(E.CLOSED, E.ESTABLISHED, 10, 10, "ShADadF"), "S2");
  assert.equal(connState(E.ESTABLISHED, E.CLOSED, 10, 10, "ShADadf"), "S3");
  assert.equal(connState(E.RESET, E.ESTABLISHED, 10, 10, "ShADadR"), "RSTO");
  assert.equal(connState(E.ESTABLISHED, E.RESET, 10, 10, "ShADadr"), "RSTR");
  assert.equal(connState(E.RESET, E.INACTIVE, 0, 0, "SR"), "RSTOS0");
  assert.equal(connState(E.INACTIVE, E.RESET, 0, 0, "^hr"), "RSTRH");
  assert.equal(connState(E.CLOSED, E.INACTIVE, 0, 0, "SF"), "SH");
  assert.equal(connState(E.INACTIVE, E.CLOSED, 0, 0, "^hf"), "SHR");
  assert.equal(connState(E.PARTIAL, E.PARTIAL, 10, 10, "Dd"), "OTH");
});
