/**
 * A userspace delay line: this kernel has no netem qdisc (`tc qdisc add dev X root netem delay
 * 10ms` answers "Specified qdisc kind is unknown"), so a lab that needs a round-trip time routes
 * the router's forwarded packets through a TUN device whose reader, a small Python program (Node
 * cannot open a TUN device: it needs the TUNSETIFF ioctl), writes each packet back after a fixed
 * delay. Packets keep their order; the queue holds at most MAX_QUEUED_PACKETS (a router's buffer).
 */
import { LabProcess } from "./lab-process.ts";
import { runIn } from "./netns.ts";
import type { Teardown } from "./teardown.ts";

const MAX_QUEUED_PACKETS = 4000;

// linux/if_tun.h: TUNSETIFF = _IOW('T', 202, int), IFF_TUN = 0x0001, IFF_NO_PI = 0x1000.
const DELAY_LINE_PY = `
import collections, fcntl, os, select, struct, sys, time
name, delay_s, max_s, limit = sys.argv[1], float(sys.argv[2]) / 1000, float(sys.argv[3]), int(sys.argv[4])
fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))
print("ready", flush=True)
queue = collections.deque()
end = time.monotonic() + max_s
while True:
    now = time.monotonic()
    if now > end:
        break
    while queue and queue[0][0] <= now:
        try:
            os.write(fd, queue.popleft()[1])
        except OSError:
            pass
    timeout = max(0.0, queue[0][0] - now) if queue else 0.2
    ready, _, _ = select.select([fd, 0], [], [], timeout)
    if 0 in ready and not os.read(0, 4096):
        break
    if fd in ready:
        arrived = time.monotonic()
        while True:
            try:
                packet = os.read(fd, 65536)
            except BlockingIOError:
                break
            if len(queue) < limit:
                queue.append((arrived + delay_s, packet))
`;

/**
 * Creates TUN device `device` in `netns` and starts the delay line on it; resolves once packets
 * written to the device come back `oneWayDelayMs` later.
 */
export async function startDelayLine(
  teardown: Teardown,
  netns: string,
  device: string,
  oneWayDelayMs: number,
  maxMs: number,
): Promise<void> {
  runIn(netns, "ip", ["tuntap", "add", "dev", device, "mode", "tun"]);
  const proc = new LabProcess(teardown, "delay line", netns, "python3", [
    "-c",
    DELAY_LINE_PY,
    device,
    String(oneWayDelayMs),
    String(maxMs / 1000),
    String(MAX_QUEUED_PACKETS),
  ]);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the delay line did not start")), 5000);
    proc.onLine((line) => {
      if (line.trim() !== "ready") return;
      clearTimeout(timer);
      resolve();
    });
    proc.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the delay line could not start: ${proc.describeFailure()}`));
    });
  });
  runIn(netns, "ip", ["link", "set", "dev", device, "mtu", "1500", "up"]);
}
