import type { Prng } from './prng.js';
import { cumulative, hash32 } from './prng.js';

/**
 * Made-up Chinese names: surnames by their approximate national frequency, given names of one or
 * two characters. Every name is generated; any resemblance to a real person is coincidence.
 */
// prettier-ignore
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 45], ['杨', 33], ['黄', 24], ['赵', 20], ['吴', 20], ['周', 19],
  ['徐', 15], ['孙', 15], ['马', 14], ['朱', 14], ['胡', 13], ['郭', 12], ['何', 12], ['林', 11], ['罗', 11], ['高', 11],
  ['郑', 10], ['梁', 9], ['谢', 8], ['宋', 8], ['唐', 8], ['许', 7], ['韩', 7], ['邓', 7], ['冯', 7], ['曹', 7],
  ['彭', 7], ['曾', 7], ['肖', 6], ['田', 6], ['董', 6], ['潘', 5], ['袁', 5], ['蔡', 5], ['蒋', 5], ['余', 5],
  ['于', 5], ['杜', 5], ['叶', 5], ['程', 5], ['魏', 4], ['苏', 4], ['吕', 4], ['丁', 4], ['任', 4], ['卢', 4],
  ['姚', 4], ['沈', 4], ['钟', 4], ['姜', 4], ['崔', 4], ['谭', 4], ['陆', 3], ['范', 3], ['汪', 3], ['廖', 3],
  ['石', 3], ['金', 3], ['韦', 3], ['贾', 3], ['夏', 3], ['付', 3], ['方', 3], ['邹', 3], ['熊', 3], ['白', 3],
  ['孟', 3], ['秦', 3], ['邱', 3], ['侯', 3], ['江', 3], ['尹', 3], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2],
  ['龙', 2], ['黎', 2], ['史', 2], ['陶', 2], ['贺', 2], ['毛', 2], ['郝', 2], ['顾', 2], ['龚', 2], ['邵', 2],
  ['欧阳', 1], ['司马', 0.2], ['上官', 0.2],
];
const SURNAME_CUM = cumulative(SURNAMES.map((s) => s[1]));
const SURNAME_TOTAL = SURNAME_CUM[SURNAME_CUM.length - 1] as number;

const MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国峰亮成志晨博文新海东兵春德中立志永江山清胜祥宏';
const FEMALE = '芳娜敏静丽艳娟霞秀燕玲桂英红梅琳雪婷慧倩颖洁萍丹玉兰凤琴云莉佳悦欣怡娇蓉蕾璐婉茜露瑶晶月菊珍淑惠';

function surnameAt(x: number): string {
  const target = (x / 4294967296) * SURNAME_TOTAL;
  let lo = 0;
  let hi = SURNAME_CUM.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((SURNAME_CUM[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return (SURNAMES[lo] as readonly [string, number])[0];
}

/** The name of person `index` (pure function of the seed word and index, so it is never stored). */
export function personName(seedWord: number, index: number, male: boolean): string {
  const h1 = hash32(seedWord, index, 1);
  const h2 = hash32(seedWord, index, 2);
  const pool = male ? MALE : FEMALE;
  const first = pool[h2 % pool.length] as string;
  const two = (h2 >>> 8) % 100 < 70;
  const second = two ? (pool[(h2 >>> 16) % pool.length] as string) : '';
  return surnameAt(h1) + first + second;
}

/** A made-up name drawn from a stream (doctors, inspectors). */
export function drawName(rng: Prng, male: boolean): string {
  return personName(rng.uint32(), rng.uint32(), male);
}

/** Made-up words for institution names. */
// prettier-ignore
export const BRANDS = [
  '仁和', '康宁', '博爱', '安康', '济民', '惠民', '同心', '华康', '益康', '德仁', '康泰', '瑞康', '福康', '祥和', '延寿',
  '广济', '普济', '永康', '万康', '民生', '和美', '天顺', '嘉禾', '长青', '春晖', '杏林', '百信', '同仁', '聚福', '益寿',
] as const;
