import { z } from '../../zod';
import type { SessionVerdict } from '../../verdict/types';
import { method } from '../define';

const sessionName = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, { message: 'expected a session name' });

export const verdictMethods = {
  /**
   * The session's verdict as of now: each kind of evidence judged on its own and the one verdict
   * (docs/verdict.md). Kept in the session's record when it says something new (then a
   * `recordChanged` event of kind `verdict` follows).
   */
  'verdict.get': method(z.object({ session: sessionName }).strict()).returns<SessionVerdict>(),
};
