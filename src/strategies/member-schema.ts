/** Option schemas shared by strategies: members (targets or nested strategies) and error-kind lists. */
import { z } from 'zod';
import { ERROR_KINDS } from '../providers/canonical.js';

/** A target id, or a nested strategy `{ use, options }` (Portkey-style nested targets). */
export const memberSchema = z.union([
  z.string().min(1),
  z.strictObject({ use: z.string().min(1), options: z.unknown().optional() }),
]);

export const membersSchema = z.array(memberSchema).min(1, { message: 'list at least one target' }).max(30, { message: 'at most 30 members' });

export const errorKindListSchema = z
  .array(z.enum(ERROR_KINDS))
  .min(1)
  .meta({ description: 'Error kinds, e.g. [rate_limited, overloaded, unavailable, server_error, timeout].' });

/** A duration in milliseconds given as a number (strategy options use *_ms names). */
export const msSchema = z.number().nonnegative({ message: 'must be ≥ 0 ms' });
export const positiveMsSchema = z.number().positive({ message: 'must be greater than 0 ms' });
