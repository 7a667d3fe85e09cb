// Shapes of the registry: places (area → building → unit → room), households,
// residents with their consent, grids with their workers, contacts linked to a
// resident, devices bound to a resident or a place, and staff profiles. One
// schema each, used to validate the API, to type the store and to document.
import { Type, type Static } from '@sinclair/typebox';

export const RegistryId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
const Username = Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' });
const PersonName = Type.String({ minLength: 1, maxLength: 64 });
const Phone = Type.String({ pattern: '^\\+?[0-9 -]{3,20}$' });

export const Grid = Type.Object(
  {
    id: RegistryId,
    name: Type.String({ minLength: 1, maxLength: 64 }),
    /** Usernames of the grid workers (网格员) responsible for this grid. */
    workers: Type.Array(Username, { default: [] }),
  },
  { additionalProperties: false },
);
export type Grid = Static<typeof Grid>;

export const PlaceKind = Type.Union([
  Type.Literal('area'),
  Type.Literal('building'),
  Type.Literal('unit'),
  Type.Literal('room'),
]);
export type PlaceKind = Static<typeof PlaceKind>;

export const Place = Type.Object(
  {
    id: RegistryId,
    kind: PlaceKind,
    name: Type.String({ minLength: 1, maxLength: 64 }),
    parentId: Type.Union([RegistryId, Type.Null()], { default: null }),
    /** The grid this place belongs to; null inherits the parent's grid. */
    gridId: Type.Union([RegistryId, Type.Null()], { default: null }),
  },
  { additionalProperties: false },
);
export type Place = Static<typeof Place>;

export const Household = Type.Object(
  {
    id: RegistryId,
    /** The room (or unit) the household lives in. */
    placeId: RegistryId,
    name: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { default: null }),
    phone: Type.Union([Phone, Type.Null()], { default: null }),
  },
  { additionalProperties: false },
);
export type Household = Static<typeof Household>;

export const Gender = Type.Union([
  Type.Literal('female'),
  Type.Literal('male'),
  Type.Literal('unspecified'),
]);

/** 照护等级: how much looking-after a resident needs. */
export const CareLevel = Type.Union([
  Type.Literal('independent'),
  Type.Literal('watch'),
  Type.Literal('assisted'),
  Type.Literal('full_care'),
]);

export const Consent = Type.Object(
  {
    /** Face embeddings may be enrolled for the gates (sensitive, opt-in). */
    face: Type.Boolean({ default: false }),
    /** Photos (enrolment photo, gate snapshots) may be kept. */
    photo: Type.Boolean({ default: false }),
    /** Linked contacts may be told about this resident's alerts. */
    notifyContacts: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type Consent = Static<typeof Consent>;

export const ResidentStatus = Type.Union([Type.Literal('active'), Type.Literal('moved_out')]);

export const Resident = Type.Object(
  {
    id: RegistryId,
    householdId: Type.Union([RegistryId, Type.Null()]),
    name: PersonName,
    gender: Gender,
    birthYear: Type.Union([Type.Integer({ minimum: 1890, maximum: 2100 }), Type.Null()]),
    livesAlone: Type.Boolean(),
    careLevel: CareLevel,
    phone: Type.Union([Phone, Type.Null()]),
    consent: Consent,
    consentRecordedAt: Type.Union([Type.String(), Type.Null()]),
    status: ResidentStatus,
    movedOutAt: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Resident = Static<typeof Resident>;

export const NewResident = Type.Object(
  {
    id: Type.Optional(RegistryId),
    householdId: Type.Union([RegistryId, Type.Null()], { default: null }),
    name: PersonName,
    gender: Type.Optional(Gender),
    birthYear: Type.Union([Type.Integer({ minimum: 1890, maximum: 2100 }), Type.Null()], {
      default: null,
    }),
    livesAlone: Type.Boolean({ default: false }),
    careLevel: Type.Optional(CareLevel),
    phone: Type.Union([Phone, Type.Null()], { default: null }),
    consent: Type.Optional(Consent),
  },
  { additionalProperties: false },
);
export type NewResident = Static<typeof NewResident>;

export const ResidentChange = Type.Partial(
  Type.Object({
    householdId: Type.Union([RegistryId, Type.Null()]),
    name: PersonName,
    gender: Gender,
    birthYear: Type.Union([Type.Integer({ minimum: 1890, maximum: 2100 }), Type.Null()]),
    livesAlone: Type.Boolean(),
    careLevel: CareLevel,
    phone: Type.Union([Phone, Type.Null()]),
  }),
  { additionalProperties: false, minProperties: 1 },
);
export type ResidentChange = Static<typeof ResidentChange>;

export const ContactKind = Type.Union([
  Type.Literal('family'),
  Type.Literal('doctor'),
  Type.Literal('neighbour'),
  Type.Literal('building_head'),
]);
export type ContactKind = Static<typeof ContactKind>;

export const ChannelName = Type.Union([
  Type.Literal('dashboard'),
  Type.Literal('webpush'),
  Type.Literal('webhook'),
]);
export type ChannelName = Static<typeof ChannelName>;

/** Which of a resident's alerts a contact is told about. */
export const NotifyLevel = Type.Union([
  Type.Literal('all'),
  Type.Literal('critical'),
  Type.Literal('none'),
]);
export type NotifyLevel = Static<typeof NotifyLevel>;

export const Contact = Type.Object(
  {
    id: RegistryId,
    residentId: RegistryId,
    kind: ContactKind,
    name: PersonName,
    /** How they are related, in the family's own words (女儿, 儿子, 签约医生). */
    relation: Type.String({ minLength: 1, maxLength: 32 }),
    phone: Type.Union([Phone, Type.Null()], { default: null }),
    /** A staff login (role family or doctor) this contact uses, if any. */
    username: Type.Union([Username, Type.Null()], { default: null }),
    /** Channels in order of preference; a failed one falls back to the next. */
    channels: Type.Array(ChannelName, { minItems: 1, maxItems: 3, default: ['webhook'] }),
    notify: NotifyLevel,
  },
  { additionalProperties: false },
);
export type Contact = Static<typeof Contact>;

export const DeviceBinding = Type.Object(
  {
    deviceKind: Type.String({ pattern: '^[a-z_]{1,32}$' }),
    deviceId: Type.String({ minLength: 1, maxLength: 128 }),
    residentId: Type.Union([RegistryId, Type.Null()], { default: null }),
    placeId: Type.Union([RegistryId, Type.Null()], { default: null }),
  },
  { additionalProperties: false },
);
export type DeviceBinding = Static<typeof DeviceBinding>;

/** Standing duties a staff member can hold, used by escalation tiers. */
export const Duty = Type.Union([Type.Literal('duty_officer'), Type.Literal('leader')]);
export type Duty = Static<typeof Duty>;

export const StaffProfile = Type.Object(
  {
    username: Username,
    phone: Type.Union([Phone, Type.Null()], { default: null }),
    duties: Type.Array(Duty, { default: [] }),
    channels: Type.Array(ChannelName, { minItems: 1, maxItems: 3, default: ['dashboard'] }),
  },
  { additionalProperties: false },
);
export type StaffProfile = Static<typeof StaffProfile>;

/** Where an alert's subject sits in the registry, for routing and scopes. */
export interface SubjectPlacement {
  residentId: string | null;
  placeId: string | null;
  gridId: string | null;
}
