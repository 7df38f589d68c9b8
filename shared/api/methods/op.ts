import { z } from '../../zod';
import { method } from '../define';
import { OP_ID_PATTERN, type OperationInfo, type OperationList, type OperationSnapshot } from '../operations';

const opId = z.string().regex(OP_ID_PATTERN, { message: 'expected an operation id' });

/** The operations every long method runs as (see shared/api/operations.ts). */
export const opMethods = {
  /**
   * Running operations and those that ended lately. `since`: only those changed after that
   * sequence number (a reconnecting client passes the last one it saw).
   */
  'op.list': method(z.object({ since: z.int().min(0).optional(), session: z.string().min(1).max(128).optional() }).strict()).returns<OperationList>(),
  /** One operation, with how it ended (result or error) once it has; not_found once forgotten. */
  'op.get': method(z.object({ id: opId }).strict()).returns<OperationSnapshot>(),
  /** Stop an operation; it then ends `cancelled`. False when it is unknown or already over. */
  'op.cancel': method(z.object({ id: opId }).strict()).returns<{ cancelled: boolean }>(),
  /** Send this connection the operation's live data (opDetail) until it ends or the connection closes. */
  'op.watch': method(z.object({ id: opId }).strict()).returns<OperationInfo>(),
  'op.unwatch': method(z.object({ id: opId }).strict()).returns<{ watching: false }>(),
};
