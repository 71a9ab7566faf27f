import type { HonestLabel, Label, Labels, MalformedLabel } from '../contract/labels.js';

/**
 * Ground truth as the run produces it (contract §7). Every injection adds exactly one fraud label,
 * every scheduled look-alike one honest label, every deliberately malformed message one entry;
 * the output is sorted so that it does not depend on the order things happened in.
 */
export class LabelSink {
  private readonly frauds: Label[] = [];
  private readonly honest: HonestLabel[] = [];
  private readonly malformed: MalformedLabel[] = [];

  fraud(label: Label): void {
    this.frauds.push(label);
  }

  lookalike(label: HonestLabel): void {
    this.honest.push(label);
  }

  malformedMessage(msgid: string, reason: string): void {
    this.malformed.push({ msgid, reason });
  }

  counts(): { frauds: number; honest: number; malformed: number } {
    return { frauds: this.frauds.length, honest: this.honest.length, malformed: this.malformed.length };
  }

  toLabels(): Labels {
    return {
      frauds: [...this.frauds].sort(compareLabels),
      honest: [...this.honest].sort(compareLabels),
      malformed: [...this.malformed].sort((a, b) => cmp(a.msgid, b.msgid)),
    };
  }
}

const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

function compareLabels(a: Label, b: Label): number {
  return (
    cmp(a.pattern, b.pattern) ||
    cmp(a.level, b.level) ||
    cmp(a.fixmedins_code, b.fixmedins_code) ||
    cmp(a.mdtrt_id, b.mdtrt_id) ||
    cmp(a.psn_no, b.psn_no) ||
    cmp(a.drug_trac_codg, b.drug_trac_codg) ||
    cmp(a.med_list_codg, b.med_list_codg) ||
    cmp(a.note, b.note)
  );
}
