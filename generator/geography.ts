/**
 * The synthetic prefecture city. Administrative division codes and district names are those of
 * 雅安市 (the fixtures' 511802), so codes look real; the institutions, people and everything that
 * happens in them are made up.
 */
export interface District {
  readonly admdvs: string;
  readonly name: string;
  /** Share of the city's insured population. */
  readonly weight: number;
}

export const CITY_NAME = '雅安市';
export const CITY_ADMDVS = '511800';

export const DISTRICTS: readonly District[] = [
  { admdvs: '511802', name: '雨城区', weight: 0.26 },
  { admdvs: '511803', name: '名山区', weight: 0.2 },
  { admdvs: '511822', name: '荥经县', weight: 0.1 },
  { admdvs: '511823', name: '汉源县', weight: 0.2 },
  { admdvs: '511824', name: '石棉县', weight: 0.08 },
  { admdvs: '511825', name: '天全县', weight: 0.08 },
  { admdvs: '511826', name: '芦山县', weight: 0.05 },
  { admdvs: '511827', name: '宝兴县', weight: 0.03 },
];

/** Where people insured elsewhere (异地就医) come from, with relative weights. */
export const ELSEWHERE: readonly (readonly [string, string, number])[] = [
  ['510104', '成都市锦江区', 5],
  ['510107', '成都市武侯区', 6],
  ['510106', '成都市金牛区', 4],
  ['511102', '乐山市市中区', 3],
  ['511402', '眉山市东坡区', 3],
  ['510402', '攀枝花市东区', 1],
  ['500103', '重庆市渝中区', 2],
  ['530102', '昆明市五华区', 1],
];
