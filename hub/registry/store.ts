// What the registry needs from its database. Async like HubStore, so that a
// PostgreSQL implementation can stand in for the embedded SQLite one.
import type { AlertSubject } from '../../common/contracts/alert.ts';
import type {
  Consent,
  Contact,
  DeviceBinding,
  Duty,
  Grid,
  Household,
  NewResident,
  Place,
  Resident,
  ResidentChange,
  StaffProfile,
  SubjectPlacement,
} from './schemas.ts';

export interface ResidentFilter {
  /** Only residents whose household lies in one of these grids. */
  gridIds?: string[];
  /** Only these residents. */
  ids?: string[];
  status?: Resident['status'];
  limit?: number;
}

export interface RegistryStore {
  upsertGrid(grid: Grid): Promise<void>;
  getGrid(id: string): Promise<Grid | undefined>;
  listGrids(): Promise<Grid[]>;
  gridsOfWorker(username: string): Promise<string[]>;

  upsertPlace(place: Place): Promise<void>;
  getPlace(id: string): Promise<Place | undefined>;
  listPlaces(): Promise<Place[]>;
  /** The grid a place belongs to, inherited from its ancestors. */
  gridOfPlace(placeId: string): Promise<string | null>;

  upsertHousehold(household: Household): Promise<void>;
  getHousehold(id: string): Promise<Household | undefined>;
  listHouseholds(): Promise<Household[]>;

  createResident(resident: NewResident): Promise<Resident>;
  updateResident(id: string, change: ResidentChange): Promise<Resident | undefined>;
  getResident(id: string): Promise<Resident | undefined>;
  listResidents(filter: ResidentFilter): Promise<Resident[]>;
  setConsent(id: string, consent: Consent): Promise<Resident | undefined>;
  markMovedOut(id: string): Promise<Resident | undefined>;
  /** Deletes the resident with contacts and device bindings. */
  deleteResident(id: string): Promise<boolean>;

  upsertContact(contact: Contact): Promise<void>;
  getContact(id: string): Promise<Contact | undefined>;
  contactsOf(residentId: string): Promise<Contact[]>;
  deleteContact(id: string): Promise<boolean>;
  /** Residents a logged-in family member or doctor is a contact of. */
  residentsOfContactUser(username: string): Promise<string[]>;

  bindDevice(binding: DeviceBinding): Promise<void>;
  unbindDevice(deviceKind: string, deviceId: string): Promise<boolean>;
  listBindings(filter: { residentId?: string }): Promise<DeviceBinding[]>;
  /** Where an alert's subject sits: its resident (if any), place and grid. */
  placementOf(subject: AlertSubject): Promise<SubjectPlacement>;
  /**
   * Every alert subject that belongs to these residents (themselves and their
   * devices) or lies in these grids (their residents, and devices at places).
   */
  subjectsIn(scope: { residentIds?: string[]; gridIds?: string[] }): Promise<AlertSubject[]>;

  upsertStaffProfile(profile: StaffProfile): Promise<void>;
  getStaffProfile(username: string): Promise<StaffProfile | undefined>;
  staffWithDuty(duty: Duty): Promise<StaffProfile[]>;
}
