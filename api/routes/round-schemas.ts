import Type from 'typebox';
import { CalendarDay } from '../../domain/calendar.ts';
import { GardenParams } from '../schemas.ts';
import { roundPhases, notDeliveredReasons } from '../../domain/rounds/round.ts';

/** The shapes the round routes answer (domain/rounds/views.ts), for validation and the API description. */

const Position = Type.Object({ lat: Type.Number(), lng: Type.Number() });
const Counts = Type.Object({ small: Type.Integer(), medium: Type.Integer(), large: Type.Integer() });
const Window = Type.Object({ start: Type.Integer(), end: Type.Integer() });
const Act = Type.Object({
  by: Type.Object({ userId: Type.String(), name: Type.String() }),
  at: Type.String(),
});
const Progress = Type.Object({
  delivered: Type.Integer(),
  notDelivered: Type.Integer(),
  total: Type.Integer(),
});

export const RoundStopSchema = Type.Object({
  id: Type.String(),
  kind: Type.Enum(['depot', 'home']),
  depotId: Type.String(),
  subscriptionId: Type.Optional(Type.String()),
  memberId: Type.Optional(Type.String()),
  name: Type.String(),
  address: Type.Optional(
    Type.Object({ street: Type.String(), postalCode: Type.String(), city: Type.String() }),
  ),
  location: Type.Optional(Position),
  window: Type.Optional(Window),
  baskets: Counts,
  phone: Type.Optional(Type.String()),
  accessNotes: Type.Optional(Type.String()),
  serviceSeconds: Type.Integer(),
});

const PlannedStopSchema = Type.Object({
  stopId: Type.String(),
  arrival: Type.Integer(),
  departure: Type.Integer(),
  distance: Type.Integer(),
  late: Type.Optional(Type.Object({ byMinutes: Type.Integer(), reason: Type.String() })),
});

export const VehicleRouteSchema = Type.Object({
  vehicleId: Type.String(),
  stops: Type.Array(PlannedStopSchema),
  start: Type.Integer(),
  end: Type.Integer(),
  distance: Type.Integer(),
  driving: Type.Integer(),
  baskets: Type.Integer(),
});

export const VehicleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  driverName: Type.String(),
  driverPhone: Type.Optional(Type.String()),
  driverUsername: Type.Optional(Type.String()),
  capacity: Type.Integer(),
  start: Position,
  end: Type.Optional(Position),
  workStart: Type.String(),
  workEnd: Type.String(),
});

export const StopMarkSchema = Type.Object({
  markId: Type.String(),
  stopId: Type.String(),
  outcome: Type.Enum(['delivered', 'not-delivered']),
  reason: Type.Optional(Type.Enum([...notDeliveredReasons])),
  comment: Type.Optional(Type.String()),
  photoKey: Type.Optional(Type.String()),
  markedAt: Type.String(),
  receivedAt: Type.String(),
  by: Type.Object({ userId: Type.String(), name: Type.String() }),
});

export const RoundViewSchema = Type.Object({
  gardenId: Type.String(),
  date: Type.String(),
  week: Type.String(),
  phase: Type.Enum([...roundPhases]),
  revision: Type.Integer(),
  fleetVersion: Type.Optional(Type.Integer()),
  stops: Type.Array(RoundStopSchema),
  pins: Type.Array(
    Type.Object({
      stopId: Type.String(),
      vehicleId: Type.String(),
      position: Type.Optional(Type.Enum(['first', 'last'])),
    }),
  ),
  solution: Type.Optional(
    Type.Object({
      routes: Type.Array(VehicleRouteSchema),
      unrouted: Type.Array(
        Type.Object({
          stopId: Type.String(),
          reason: Type.Enum(['no-location', 'capacity', 'time-window', 'no-vehicle', 'other']),
        }),
      ),
      optimiser: Type.Enum(['vroom', 'circuit', 'entry-order']),
      fallbackReason: Type.Optional(Type.String()),
    }),
  ),
  changes: Type.Optional(
    Type.Object({
      added: Type.Array(Type.String()),
      removed: Type.Array(Type.String()),
      moved: Type.Array(Type.String()),
    }),
  ),
  deadline: Type.String(),
  approval: Type.Optional(Act),
  distributedAt: Type.Optional(Type.String()),
  distributedRoutes: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  marks: Type.Array(StopMarkSchema),
  report: Type.Optional(
    Type.Object({
      at: Type.String(),
      delivered: Type.Integer(),
      notDelivered: Type.Integer(),
      unmarked: Type.Integer(),
    }),
  ),
  updatedAt: Type.String(),
  vehicles: Type.Array(VehicleSchema),
  progress: Progress,
  running: Type.Boolean(),
});

export const RoundSummarySchema = Type.Object({
  date: Type.String(),
  phase: Type.Enum([...roundPhases]),
  stops: Type.Integer(),
  unrouted: Type.Integer(),
  vehicles: Type.Integer(),
  progress: Progress,
  deadline: Type.String(),
  approved: Type.Boolean(),
});

export const DriverRoundSummarySchema = Type.Object({
  date: Type.String(),
  vehicleId: Type.String(),
  vehicleName: Type.String(),
  stops: Type.Integer(),
  start: Type.Integer(),
  end: Type.Integer(),
  progress: Progress,
});

export const DriverRouteSchema = Type.Object({
  gardenId: Type.String(),
  gardenName: Type.String(),
  date: Type.String(),
  vehicle: VehicleSchema,
  route: VehicleRouteSchema,
  stops: Type.Array(RoundStopSchema),
  sheets: Type.Array(Type.Object({ depotId: Type.String(), url: Type.String() })),
  marks: Type.Array(StopMarkSchema),
});

/** The delivery day in a path: a calendar day, bounded like every id in a path. */
const RoundDay = Type.String({ ...CalendarDay, minLength: 10, maxLength: 10 });
export const RoundDayParams = Type.Object({ ...GardenParams.properties, date: RoundDay });
