import { test, expect } from '@playwright/test';
import { freeSlot, registerCitizen, uniqueCitizen } from './helpers';
// The two validators that check the record export (care.spec.ts): HL7's
// FHIR R4 JSON schema (structure, types, closed objects) and FHIR.js
// (profiles: cardinalities, required value sets).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const SchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Fhir } = require('fhir');

type Resource = { resourceType: string; id?: string; [k: string]: unknown };

const schemaValidator = new SchemaValidator();
const fhir = new Fhir();

/** The schema of this package predates R4's 4.0.1 technical correction (its
 * `fhirVersion` list ends at 4.0.0); R4 servers declare 4.0.1, which FHIR.js
 * checks. The schema checks all the rest. */
function forSchema(r: Resource): Resource {
  return r.resourceType === 'CapabilityStatement' && r.fhirVersion === '4.0.1' ? { ...r, fhirVersion: '4.0.0' } : r;
}

/** The errors both validators find in `resource` (none when it is valid R4). */
function errorsOf(resource: Resource): unknown[] {
  const schema = schemaValidator.validate(forSchema(resource));
  const profile = fhir.validate(resource, { errorOnUnexpected: true });
  return [...schema, ...profile.messages.filter((m: { severity: string }) => m.severity === 'error')];
}

function expectValid(resource: Resource, what: string) {
  const errors = errorsOf(resource);
  expect(errors, `${what}: ${JSON.stringify(errors).slice(0, 2000)}`).toEqual([]);
}

const DAY_MS = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

test('every /fhir answer is valid FHIR R4: the CapabilityStatement, each public type searched and read, and a citizen\'s appointment', async ({ request }) => {
  // The validators do refuse: a slot without its status, an unknown field.
  expect(errorsOf({ resourceType: 'Slot', id: 'x', schedule: { reference: 'Schedule/y' }, start: '2026-12-06T08:00:00Z', end: '2026-12-06T08:20:00Z' }).length).toBeGreaterThan(0);
  expect(errorsOf({ resourceType: 'Organization', id: 'x', colour: 'blue' }).length).toBeGreaterThan(0);

  const metadata = await request.get('/fhir/metadata');
  expect(metadata.status()).toBe(200);
  expect(metadata.headers()['content-type']).toContain('application/fhir+json');
  expectValid(await metadata.json(), 'metadata');

  const from = isoDay(new Date(Date.now() + 3 * DAY_MS));
  for (const [type, query] of [
    ['Organization', 'address-state=Oran'],
    ['Location', ''],
    ['HealthcareService', ''],
    ['Practitioner', ''],
    ['PractitionerRole', ''],
    ['Schedule', ''],
    ['Slot', `start=ge${from}&status=free`],
  ]) {
    const res = await request.get(`/fhir/${type}?_count=3&${query}`);
    expect(res.status(), type).toBe(200);
    const bundle = await res.json();
    expectValid(bundle, `${type} search`);
    expect(bundle.entry.length, type).toBeGreaterThan(0);
    expect(bundle.entry.every((e: { resource: Resource }) => e.resource.resourceType === type), type).toBe(true);
    expect(bundle.link.some((l: { relation: string }) => l.relation === 'next'), `${type}: more than one page`).toBe(true);
    const one = await request.get(`/fhir/${type}/${bundle.entry[0].resource.id}`);
    expect(one.status(), type).toBe(200);
    expectValid(await one.json(), `${type} read`);
  }

  // A citizen books a slot found through FHIR and reads the appointment with their token.
  const c = uniqueCitizen();
  const token = await registerCitizen(request, { nin: c.nin, given_name: 'Amel', family_name: 'Khelifa', birth_date: '1990-02-11', sex: 'female', phone: c.phone, email: '', password: c.password, lang: 'fr' });
  const { specialty, day } = await freeSlot(request);
  const slots = await (await request.get(`/fhir/Slot?service-type=${specialty}&status=free&start=ge${day}&_count=1`)).json();
  const slotId = slots.entry[0].resource.id;
  const booked = await request.post('/api/v1/appointments', { data: { slot_id: slotId }, headers: { authorization: `Bearer ${token}` } });
  expect(booked.status()).toBe(201);
  expect((await request.get('/fhir/Appointment')).status()).toBe(401);
  const mine = await request.get('/fhir/Appointment', { headers: { authorization: `Bearer ${token}` } });
  expect(mine.status()).toBe(200);
  const bundle = await mine.json();
  expectValid(bundle, 'Appointment search');
  expect(bundle.total).toBe(1);
  expect(bundle.entry[0].resource.slot[0].reference).toBe(`Slot/${slotId}`);
  const read = await request.get(`/fhir/Appointment/${bundle.entry[0].resource.id}`, { headers: { authorization: `Bearer ${token}` } });
  expectValid(await read.json(), 'Appointment read');
  const slot = await (await request.get(`/fhir/Slot/${slotId}`)).json();
  expect(slot.status).toBe('busy');
  expectValid(slot, 'busy Slot');

  // A refusal is an OperationOutcome, valid too.
  const bad = await request.get('/fhir/Slot?start=ge2026-13-45', { headers: { 'accept-language': 'fr' } });
  expect(bad.status()).toBe(400);
  expectValid(await bad.json(), 'OperationOutcome');
});
