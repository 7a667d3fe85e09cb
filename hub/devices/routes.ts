// Device health for staff: last status (online/offline from the device's last
// will) and the latest telemetry of every device the edges reported.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';

const DeviceState = Type.Object({
  site: Type.String(),
  deviceKind: Type.String(),
  deviceId: Type.String(),
  online: Type.Union([Type.Boolean(), Type.Null()]),
  statusAt: Type.Union([Type.String(), Type.Null()]),
  telemetry: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  telemetryAt: Type.Union([Type.String(), Type.Null()]),
});

async function devicesPlugin(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/devices',
    {
      preHandler: app.requireStaff('viewer'),
      schema: { response: { 200: Type.Array(DeviceState) }, tags: ['devices'] },
    },
    async () => app.store.listDevices(),
  );
}

export default fp(devicesPlugin, {
  name: 'haven-devices',
  dependencies: ['haven-auth'],
  decorators: { fastify: ['store'] },
});
