// The object a JSON record's data fields are collected into, made so that V8 keeps it in fast
// mode however many fields an event has.
//
// Fields are added with computed names (`data[key] = value`). V8 turns an object into a
// dictionary (a hash table) once such keyed stores have put more than 12 properties outside
// it, and a `{}` holds only 4 inside: collector events with 17 fields or more (Sysmon 1 has
// 22, a 4688 with its account fields 18) got dictionary data, which costs more to build, to
// read by name (the summary's view) and above all to serialize (JSON.stringify then collects
// and sorts the keys of every event). An object made by DataObject has room for 56 fields
// inside it, and the keyed-store limit rises with that room (to 56 outside), so events stay
// in fast mode up to 112 fields. Same own properties, same order, same prototype as `{}`:
// only the object's layout differs.

type Sizing = Record<`s${number}`, undefined>;

/** Never set: the assignments under it only size the objects (V8 counts a constructor's `this.x =`). */
let sizingOnly = false;

const DataObject = function DataObject(this: Sizing): void {
  if (sizingOnly) {
    this.s0 = this.s1 = this.s2 = this.s3 = this.s4 = this.s5 = this.s6 = this.s7 = undefined;
    this.s8 = this.s9 = this.s10 = this.s11 = this.s12 = this.s13 = this.s14 = this.s15 = undefined;
    this.s16 = this.s17 = this.s18 = this.s19 = this.s20 = this.s21 = this.s22 = this.s23 = undefined;
    this.s24 = this.s25 = this.s26 = this.s27 = this.s28 = this.s29 = this.s30 = this.s31 = undefined;
    this.s32 = this.s33 = this.s34 = this.s35 = this.s36 = this.s37 = this.s38 = this.s39 = undefined;
    this.s40 = this.s41 = this.s42 = this.s43 = this.s44 = this.s45 = this.s46 = this.s47 = undefined;
  }
} as unknown as new () => Record<string, string>;
DataObject.prototype = Object.prototype;

// V8 trims a constructor's objects to the fields its first few objects used ("slack
// tracking", over the first 7 made): were those events small, every later object would be
// small too. Objects filled to the brim here, before any event, settle the size at its maximum.
for (let n = 0; n < 8; n++) {
  const filler = new DataObject();
  for (let i = 0; i < 64; i++) filler[`s${i}`] = '';
}

/** An empty object for an event's data fields (see the header). */
export function newDataObject(): Record<string, string> {
  return new DataObject();
}
