// Named API shapes, taken from the generated OpenAPI types (src/api/schema.d.ts).
import type { components } from "./schema";

type Schemas = components["schemas"];
export type Campaign = Schemas["Campaign"];
export type Problem = Schemas["Problem"];
export type ProblemDetail = Schemas["ProblemDetail"];
export type Assignment = Schemas["Assignment"];
export type Job = Schemas["Job"];
export type Node = Schemas["Node"];
export type Tree = Schemas["Tree"];
export type Revision = Schemas["Revision"];
export type LongThought = Schemas["LongThought"];
export type LongThoughtRevision = Schemas["LongThoughtRevision"];
export type LongThoughtStats = Schemas["LongThoughtStats"];
export type Export = Schemas["Export"];
export type ExportRequest = Schemas["ExportRequestRequest"];
export type ExportSchedule = Schemas["ExportSchedule"];
export type ExportScheduleRequest = Schemas["ExportScheduleRequestRequest"];
export type ExportFormat = Schemas["ExportFormatEnum"];
export type DeriveRequest = Schemas["DeriveRequestRequest"];
export type ModelProfile = Schemas["ModelProfile"];

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Me {
  id: number;
  username: string;
  is_staff: boolean;
}

// Job statuses (active, finished) are defined once, in ./jobs.ts.
export type Loop = Schemas["Loop"];
export type ThreadEntry = Schemas["ThreadEntry"];
export type Dag = Schemas["Dag"];
export type DagVertex = Schemas["DagVertex"];
