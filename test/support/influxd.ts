// The tests use the same InfluxDB server helper as the demo.
export { InfluxServer, type InfluxAnswer } from '../../devices/influx/influx-server.ts';
