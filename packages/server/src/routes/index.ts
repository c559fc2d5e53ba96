import type { AppDeps, ServerApp } from '../app-env.js';
import { registerSetupRoutes } from './setup.routes.js';
import { registerSessionRoutes } from './session.routes.js';
import { registerMeRoutes } from './me.routes.js';
import { registerUserRoutes } from './users.routes.js';
import { registerCaseRoutes } from './cases.routes.js';
import { registerItemRoutes } from './items.routes.js';
import { registerBlobRoutes } from './blobs.routes.js';
import { registerTaxonomyRoutes } from './taxonomy.routes.js';
import { registerFacilityRoutes } from './facilities.routes.js';
import { registerPersonRoutes } from './persons.routes.js';
import { registerAnnotationRoutes } from './annotations.routes.js';
import { registerIncidentRoutes } from './incidents.routes.js';
import { registerViewRoutes } from './views.routes.js';
import { registerLedgerRoutes } from './ledger.routes.js';
import { registerAccountabilityRoutes } from './accountability.routes.js';
import { registerAccountabilityUploadRoutes } from './accountability-upload.routes.js';
import { registerAccountabilityRevisionRoutes } from './accountability-revisions.routes.js';
import { registerRedactionRoutes } from './redactions.routes.js';
import { registerIntakeRoutes } from './intake.routes.js';
import { registerPublicationRoutes } from './publication.routes.js';

export type RouteModule = (app: ServerApp, deps: AppDeps) => void;

/**
 * Every route module of the API, in one list. Add yours here (one line); see packages/server/README.md.
 */
export const ROUTE_MODULES: RouteModule[] = [
  registerSetupRoutes,
  registerSessionRoutes,
  registerMeRoutes,
  registerUserRoutes,
  registerCaseRoutes,
  registerItemRoutes,
  registerBlobRoutes,
  registerTaxonomyRoutes,
  registerFacilityRoutes,
  registerPersonRoutes,
  registerAnnotationRoutes,
  registerIncidentRoutes,
  registerViewRoutes,
  registerLedgerRoutes,
  registerAccountabilityRoutes,
  registerAccountabilityUploadRoutes,
  registerAccountabilityRevisionRoutes,
  registerRedactionRoutes,
  registerIntakeRoutes,
  registerPublicationRoutes,
];
