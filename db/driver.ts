/**
 * Which storage a database handle runs on, kept on the handle itself: Next bundles route
 * handlers apart from the server, so a module-level registry would exist once per bundle while
 * the handle is shared. Kept free of imports so that reading it pulls nothing into a bundle.
 */
export type Driver = "pglite" | "postgres";

const DRIVER = Symbol.for("confab.db.driver");

export function markDriver(db: object, driver: Driver): void {
  Object.defineProperty(db, DRIVER, { value: driver });
}

export function driverOf(db: object): Driver {
  const driver = (db as { [DRIVER]?: Driver })[DRIVER];
  if (!driver) throw new Error("database not opened by openDatabase");
  return driver;
}
