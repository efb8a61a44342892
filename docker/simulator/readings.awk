# Sensor readings as JSON lines, the scoring job's input format, for steps first..last of
# `sensors` machines: temperature, vibration and current follow slow cycles plus noise (the
# formulas of io.streamae.source.SyntheticSensors).
#   -v sensors=4 -v first=0 -v last=0 -v t0=<epoch ms of step 0> -v interval=1000
#   -v keyed=1   prefix each line with "<sensorId><TAB>" (kafka-console-producer parse.key)
#   -v faults=1  inject recurring faults: sensor-2 vibration bursts, sensor-3 temperature drift,
#                sensor-4 stuck current; and a malformed payload every 500th step
function gauss(   u, v) {
  u = rand(); v = rand()
  if (u < 1e-12) u = 1e-12
  return sqrt(-2 * log(u)) * cos(6.283185307179586 * v)
}
BEGIN {
  pi2 = 6.283185307179586
  if (interval == "") interval = 1000
  for (step = first; step <= last; step++) {
    ts = t0 + step * interval
    for (s = 0; s < sensors; s++) {
      srand(s * 7919 + step * 104729 + 42)
      id = sprintf("sensor-%d", s + 1)
      phase = s * 0.7
      cycle = sin(pi2 * step / 120.0 + phase)
      temperature = 60 + s + 5 * cycle + gauss() * 0.3
      current = 10 + 2 * cycle + gauss() * 0.1
      vibration = 0.03 + 0.005 * sin(pi2 * step / 17.0 + phase) + gauss() * 0.001
      if (faults) {
        if (s == 1 && step % 600 >= 400 && step % 600 < 480) {
          vibration = 0.03 + (vibration - 0.03) * 4 + (step % 5 == 0 ? 0.03 : 0)
        }
        if (s == 2 && step % 900 >= 600 && step % 900 < 720) {
          temperature += 0.08 * (step % 900 - 600)
        }
        if (s == 3 && step % 1200 >= 900 && step % 1200 < 1000) {
          current = 10 + 2 * sin(pi2 * 900 / 120.0 + phase)
        }
      }
      key = keyed ? id "\t" : ""
      if (faults && s == 0 && step % 500 == 499) {
        printf "%s{\"sensorId\": \"%s\", \"ts\": %.0f, \"values\": {broken\n", key, id, ts
      } else {
        printf "%s{\"sensorId\":\"%s\",\"ts\":%.0f,\"values\":{\"temperature\":%.4f,\"vibration\":%.5f,\"current\":%.4f}}\n", \
          key, id, ts, temperature, vibration, current
      }
    }
  }
}
