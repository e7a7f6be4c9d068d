/* Generated from schemas/bulk-users.schema.json by npm run gen:validator (scripts/genValidator.mjs). Do not edit. */
// @ts-nocheck: ajv's generated JavaScript; schemaValidator.ts gives it its types.
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
export const TestUserPopulation = validate36;
const schema12 = {"type":"object","title":"TestUserPopulation","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"TestUserPopulation"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/PopulationSpec"}}};
const schema13 = {"type":"object","required":["name"],"additionalProperties":false,"properties":{"name":{"type":"string","pattern":"^[a-z0-9]([-_a-z0-9]{0,61}[a-z0-9])?$","description":"Unique across all specs; lower-case a-z, 0-9, '-' and '_' (a DNS label, or a name such as load_tester), starting and ending with a letter or digit, at most 63 characters: safe in URLs and file names."},"labels":{"type":"object","additionalProperties":{"$ref":"#/definitions/AttributeText"}},"annotations":{"type":"object","additionalProperties":{"$ref":"#/definitions/AttributeText"}}}};
const schema14 = {"type":"string","pattern":"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$","description":"Text inside attributes: no control character other than tab, line feed and carriage return (no U+0000-U+0008, U+000B, U+000C, U+000E-U+001F, U+007F-U+009F, U+2028, U+2029), and no unpaired UTF-16 surrogate (which PostgreSQL cannot store)."};
const pattern0 = new RegExp("^[a-z0-9]([-_a-z0-9]{0,61}[a-z0-9])?$", "u");
const pattern1 = new RegExp("^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$", "u");

function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.name === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "name"},message:"must have required property '"+"name"+"'",schema:schema13.required,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
for(const key0 in data){
if(!(((key0 === "name") || (key0 === "labels")) || (key0 === "annotations"))){
const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.name !== undefined){
let data0 = data.name;
if(typeof data0 === "string"){
if(!pattern0.test(data0)){
const err2 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/pattern",keyword:"pattern",params:{pattern: "^[a-z0-9]([-_a-z0-9]{0,61}[a-z0-9])?$"},message:"must match pattern \""+"^[a-z0-9]([-_a-z0-9]{0,61}[a-z0-9])?$"+"\"",schema:"^[a-z0-9]([-_a-z0-9]{0,61}[a-z0-9])?$",parentSchema:schema13.properties.name,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
else {
const err3 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.name.type,parentSchema:schema13.properties.name,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.labels !== undefined){
let data1 = data.labels;
if(data1 && typeof data1 == "object" && !Array.isArray(data1)){
for(const key1 in data1){
let data2 = data1[key1];
if(typeof data2 === "string"){
if(!pattern1.test(data2)){
const err4 = {instancePath:instancePath+"/labels/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/AttributeText/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema14,data:data2};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
else {
const err5 = {instancePath:instancePath+"/labels/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/AttributeText/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data2};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
}
else {
const err6 = {instancePath:instancePath+"/labels",schemaPath:"#/properties/labels/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.labels.type,parentSchema:schema13.properties.labels,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.annotations !== undefined){
let data3 = data.annotations;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
for(const key2 in data3){
let data4 = data3[key2];
if(typeof data4 === "string"){
if(!pattern1.test(data4)){
const err7 = {instancePath:instancePath+"/annotations/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/AttributeText/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema14,data:data4};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/annotations/" + key2.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/AttributeText/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:data4};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
}
else {
const err9 = {instancePath:instancePath+"/annotations",schemaPath:"#/properties/annotations/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.properties.annotations.type,parentSchema:schema13.properties.annotations,data:data3};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
}
else {
const err10 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
validate12.errors = vErrors;
return errors === 0;
}

const schema16 = {"type":"object","title":"PopulationSpec","required":["count","usernamePattern","password"],"additionalProperties":false,"properties":{"count":{"type":"integer","minimum":0,"maximum":100000000,"description":"How many users the population has."},"usernamePattern":{"type":"string","minLength":1,"maxLength":200,"description":"Username of member n; exactly one {id} placeholder, replaced by idStart + n.","pattern":"^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},"idStart":{"type":"integer","minimum":0,"maximum":1000000000000,"default":1,"description":"Sequence number of the first member."},"emailDomain":{"type":"string","pattern":"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$","default":"example.com","description":"email = username when the username is an address, else username@emailDomain."},"password":{"$ref":"#/definitions/PasswordSource"},"attributes":{"type":"object","description":"Free-form profile fields, stored as JSON. Text in them (keys and string values, at any depth) may hold tab, line feed and carriage return but no other control character.","propertyNames":{"$ref":"#/definitions/AttributeText"},"additionalProperties":{"$ref":"#/definitions/AttributeValue"}},"batchSize":{"type":"integer","minimum":1,"maximum":50000,"default":1000,"description":"Rows per transaction."},"ttl":{"type":"string","pattern":"^[1-9][0-9]*(m|h|d|w)$","description":"Lease length: 30m, 12h, 7d, 2w."},"expiresAt":{"type":"string","format":"date-time","description":"RFC 3339 instant after which the population expires."},"syncTargets":{"type":"array","items":{"type":"string"},"uniqueItems":true,"description":"Names of SyncTarget documents that must hold the same users."},"deletionPolicy":{"enum":["Delete","Retain"],"default":"Delete","description":"What removing this spec does to its users."}}};
const schema17 = {"type":"object","title":"PasswordSource","minProperties":1,"maxProperties":1,"additionalProperties":false,"properties":{"fromEnv":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*$","description":"Name of the environment variable that holds the password."},"value":{"type":"string","minLength":1,"description":"The password itself (allowed, but warned: specs live in git)."}}};
const func2 = Object.prototype.hasOwnProperty;
const func3 = require("ajv/dist/runtime/ucs2length").default;
const pattern3 = new RegExp("^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$", "u");
const pattern4 = new RegExp("^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$", "u");
const pattern5 = new RegExp("^[A-Za-z_][A-Za-z0-9_]*$", "u");
const pattern9 = new RegExp("^[1-9][0-9]*(m|h|d|w)$", "u");
const schema19 = {"description":"Any JSON value; the rule of AttributeText applies to every string and key inside it.","pattern":"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$","propertyNames":{"$ref":"#/definitions/AttributeText"},"items":{"$ref":"#/definitions/AttributeValue"},"additionalProperties":{"$ref":"#/definitions/AttributeValue"},"tsType":"unknown"};
const wrapper0 = {validate: validate15};

function validate15(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(typeof data === "string"){
if(!pattern1.test(data)){
const err0 = {instancePath,schemaPath:"#/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(Array.isArray(data)){
const len0 = data.length;
for(let i0=0; i0<len0; i0++){
if(!(wrapper0.validate(data[i0], {instancePath:instancePath+"/" + i0,parentData:data,parentDataProperty:i0,rootData}))){
vErrors = vErrors === null ? wrapper0.validate.errors : vErrors.concat(wrapper0.validate.errors);
errors = vErrors.length;
}
}
}
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
const _errs1 = errors;
if(typeof key0 === "string"){
if(!pattern1.test(key0)){
const err1 = {instancePath,schemaPath:"#/definitions/AttributeText/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema14,data:key0,propertyName:key0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
else {
const err2 = {instancePath,schemaPath:"#/definitions/AttributeText/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:key0,propertyName:key0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
var valid2 = _errs1 === errors;
if(!valid2){
const err3 = {instancePath,schemaPath:"#/propertyNames",keyword:"propertyNames",params:{propertyName: key0},message:"property name must be valid",schema:schema19.propertyNames,parentSchema:schema19,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
for(const key1 in data){
if(!(wrapper0.validate(data[key1], {instancePath:instancePath+"/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data,parentDataProperty:key1,rootData}))){
vErrors = vErrors === null ? wrapper0.validate.errors : vErrors.concat(wrapper0.validate.errors);
errors = vErrors.length;
}
}
}
validate15.errors = vErrors;
return errors === 0;
}

const formats0 = require("ajv-formats/dist/formats").fullFormats["date-time"];

function validate14(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.count === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "count"},message:"must have required property '"+"count"+"'",schema:schema16.required,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.usernamePattern === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "usernamePattern"},message:"must have required property '"+"usernamePattern"+"'",schema:schema16.required,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.password === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "password"},message:"must have required property '"+"password"+"'",schema:schema16.required,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
for(const key0 in data){
if(!(func2.call(schema16.properties, key0))){
const err3 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
if(data.count !== undefined){
let data0 = data.count;
if(!((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0)))){
const err4 = {instancePath:instancePath+"/count",schemaPath:"#/properties/count/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema16.properties.count.type,parentSchema:schema16.properties.count,data:data0};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(typeof data0 == "number"){
if(data0 > 100000000 || isNaN(data0)){
const err5 = {instancePath:instancePath+"/count",schemaPath:"#/properties/count/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000",schema:100000000,parentSchema:schema16.properties.count,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(data0 < 0 || isNaN(data0)){
const err6 = {instancePath:instancePath+"/count",schemaPath:"#/properties/count/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema16.properties.count,data:data0};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
}
if(data.usernamePattern !== undefined){
let data1 = data.usernamePattern;
if(typeof data1 === "string"){
if(func3(data1) > 200){
const err7 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/properties/usernamePattern/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters",schema:200,parentSchema:schema16.properties.usernamePattern,data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
if(func3(data1) < 1){
const err8 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/properties/usernamePattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema16.properties.usernamePattern,data:data1};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(!pattern3.test(data1)){
const err9 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/properties/usernamePattern/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema16.properties.usernamePattern,data:data1};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
else {
const err10 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/properties/usernamePattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.properties.usernamePattern.type,parentSchema:schema16.properties.usernamePattern,data:data1};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
if(data.idStart !== undefined){
let data2 = data.idStart;
if(!((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2)))){
const err11 = {instancePath:instancePath+"/idStart",schemaPath:"#/properties/idStart/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema16.properties.idStart.type,parentSchema:schema16.properties.idStart,data:data2};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
if(typeof data2 == "number"){
if(data2 > 1000000000000 || isNaN(data2)){
const err12 = {instancePath:instancePath+"/idStart",schemaPath:"#/properties/idStart/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000000000},message:"must be <= 1000000000000",schema:1000000000000,parentSchema:schema16.properties.idStart,data:data2};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
if(data2 < 0 || isNaN(data2)){
const err13 = {instancePath:instancePath+"/idStart",schemaPath:"#/properties/idStart/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema16.properties.idStart,data:data2};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
if(data.emailDomain !== undefined){
let data3 = data.emailDomain;
if(typeof data3 === "string"){
if(!pattern4.test(data3)){
const err14 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/properties/emailDomain/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"},message:"must match pattern \""+"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"+"\"",schema:"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$",parentSchema:schema16.properties.emailDomain,data:data3};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
else {
const err15 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/properties/emailDomain/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.properties.emailDomain.type,parentSchema:schema16.properties.emailDomain,data:data3};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data.password !== undefined){
let data4 = data.password;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(Object.keys(data4).length > 1){
const err16 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/maxProperties",keyword:"maxProperties",params:{limit: 1},message:"must NOT have more than 1 properties",schema:1,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
if(Object.keys(data4).length < 1){
const err17 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
for(const key1 in data4){
if(!((key1 === "fromEnv") || (key1 === "value"))){
const err18 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data4.fromEnv !== undefined){
let data5 = data4.fromEnv;
if(typeof data5 === "string"){
if(!pattern5.test(data5)){
const err19 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema17.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
else {
const err20 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema17.properties.fromEnv.type,parentSchema:schema17.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data4.value !== undefined){
let data6 = data4.value;
if(typeof data6 === "string"){
if(func3(data6) < 1){
const err21 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema17.properties.value,data:data6};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
else {
const err22 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema17.properties.value.type,parentSchema:schema17.properties.value,data:data6};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
else {
const err23 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema17.type,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
if(data.attributes !== undefined){
let data7 = data.attributes;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
for(const key2 in data7){
const _errs20 = errors;
if(typeof key2 === "string"){
if(!pattern1.test(key2)){
const err24 = {instancePath:instancePath+"/attributes",schemaPath:"#/definitions/AttributeText/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema14,data:key2,propertyName:key2};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/attributes",schemaPath:"#/definitions/AttributeText/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:key2,propertyName:key2};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
var valid3 = _errs20 === errors;
if(!valid3){
const err26 = {instancePath:instancePath+"/attributes",schemaPath:"#/properties/attributes/propertyNames",keyword:"propertyNames",params:{propertyName: key2},message:"property name must be valid",schema:schema16.properties.attributes.propertyNames,parentSchema:schema16.properties.attributes,data:data7};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
for(const key3 in data7){
if(!(validate15(data7[key3], {instancePath:instancePath+"/attributes/" + key3.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data7,parentDataProperty:key3,rootData}))){
vErrors = vErrors === null ? validate15.errors : vErrors.concat(validate15.errors);
errors = vErrors.length;
}
}
}
else {
const err27 = {instancePath:instancePath+"/attributes",schemaPath:"#/properties/attributes/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema16.properties.attributes.type,parentSchema:schema16.properties.attributes,data:data7};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data.batchSize !== undefined){
let data9 = data.batchSize;
if(!((typeof data9 == "number") && (!(data9 % 1) && !isNaN(data9)))){
const err28 = {instancePath:instancePath+"/batchSize",schemaPath:"#/properties/batchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema16.properties.batchSize.type,parentSchema:schema16.properties.batchSize,data:data9};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(typeof data9 == "number"){
if(data9 > 50000 || isNaN(data9)){
const err29 = {instancePath:instancePath+"/batchSize",schemaPath:"#/properties/batchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 50000},message:"must be <= 50000",schema:50000,parentSchema:schema16.properties.batchSize,data:data9};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
if(data9 < 1 || isNaN(data9)){
const err30 = {instancePath:instancePath+"/batchSize",schemaPath:"#/properties/batchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema16.properties.batchSize,data:data9};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
}
if(data.ttl !== undefined){
let data10 = data.ttl;
if(typeof data10 === "string"){
if(!pattern9.test(data10)){
const err31 = {instancePath:instancePath+"/ttl",schemaPath:"#/properties/ttl/pattern",keyword:"pattern",params:{pattern: "^[1-9][0-9]*(m|h|d|w)$"},message:"must match pattern \""+"^[1-9][0-9]*(m|h|d|w)$"+"\"",schema:"^[1-9][0-9]*(m|h|d|w)$",parentSchema:schema16.properties.ttl,data:data10};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
else {
const err32 = {instancePath:instancePath+"/ttl",schemaPath:"#/properties/ttl/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.properties.ttl.type,parentSchema:schema16.properties.ttl,data:data10};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
if(data.expiresAt !== undefined){
let data11 = data.expiresAt;
if(typeof data11 === "string"){
if(!(formats0.validate(data11))){
const err33 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/properties/expiresAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\"",schema:"date-time",parentSchema:schema16.properties.expiresAt,data:data11};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
else {
const err34 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/properties/expiresAt/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.properties.expiresAt.type,parentSchema:schema16.properties.expiresAt,data:data11};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
}
if(data.syncTargets !== undefined){
let data12 = data.syncTargets;
if(Array.isArray(data12)){
const len0 = data12.length;
for(let i0=0; i0<len0; i0++){
let data13 = data12[i0];
if(typeof data13 !== "string"){
const err35 = {instancePath:instancePath+"/syncTargets/" + i0,schemaPath:"#/properties/syncTargets/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.properties.syncTargets.items.type,parentSchema:schema16.properties.syncTargets.items,data:data13};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
}
let i1 = data12.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data12[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err36 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/properties/syncTargets/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)",schema:true,parentSchema:schema16.properties.syncTargets,data:data12};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err37 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/properties/syncTargets/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema16.properties.syncTargets.type,parentSchema:schema16.properties.syncTargets,data:data12};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
}
if(data.deletionPolicy !== undefined){
let data14 = data.deletionPolicy;
if(!((data14 === "Delete") || (data14 === "Retain"))){
const err38 = {instancePath:instancePath+"/deletionPolicy",schemaPath:"#/properties/deletionPolicy/enum",keyword:"enum",params:{allowedValues: schema16.properties.deletionPolicy.enum},message:"must be equal to one of the allowed values",schema:schema16.properties.deletionPolicy.enum,parentSchema:schema16.properties.deletionPolicy,data:data14};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
}
}
else {
const err39 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema16.type,parentSchema:schema16,data};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
validate14.errors = vErrors;
return errors === 0;
}


function validate36(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema12.required,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema12.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("TestUserPopulation" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "TestUserPopulation"},message:"must be equal to constant",schema:"TestUserPopulation",parentSchema:schema12.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
if(!(validate12(data.metadata, {instancePath:instancePath+"/metadata",parentData:data,parentDataProperty:"metadata",rootData}))){
vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
errors = vErrors.length;
}
}
if(data.spec !== undefined){
if(!(validate14(data.spec, {instancePath:instancePath+"/spec",parentData:data,parentDataProperty:"spec",rootData}))){
vErrors = vErrors === null ? validate14.errors : vErrors.concat(validate14.errors);
errors = vErrors.length;
}
}
}
else {
const err7 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema12.type,parentSchema:schema12,data};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
validate36.errors = vErrors;
return errors === 0;
}

export const SyncTarget = validate39;
const schema21 = {"type":"object","title":"SyncTarget","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"SyncTarget"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/SyncTargetSpec"}}};
const schema22 = {"type":"object","title":"SyncTargetSpec","required":["type"],"additionalProperties":false,"properties":{"type":{"enum":["loadtester","file"]},"url":{"type":"string","format":"uri","description":"loadtester: the Load Tester's base URL; with urlFromEnv, the default when that variable is unset or empty."},"urlFromEnv":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*$","description":"loadtester: name of an environment variable of the reconciler holding the base URL (e.g. LOADTESTER_URL); it wins over url when set."},"auth":{"type":"object","title":"SyncTargetAuth","additionalProperties":false,"required":["tokenFromEnv"],"properties":{"tokenFromEnv":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]*$","description":"Name of the environment variable of the reconciler holding the Load Tester's write token. Never the token itself: specs live in git."}},"description":"loadtester: where the token comes from. Default { tokenFromEnv: LOADTESTER_TOKEN }; when that variable is unset and url is a loopback address, the token file of a Load Tester sharing the data directory is used."},"optional":{"type":"boolean","default":false,"description":"A target that cannot be reached (connection refused, unknown host, timeout) is a warning instead of an error: the run succeeds, its records stay pending, and the next run sends them. Connection failures are not retried."},"path":{"type":"string","minLength":1,"description":"file: where to write, relative to the file target directory (ReconcilerConfig fileTargetDir, default out/ beside the specs directory). No absolute path, no '..'."},"format":{"enum":["artillery-csv","csv","k6-json"]},"timeoutSeconds":{"type":"number","exclusiveMinimum":0,"maximum":3600,"default":30},"retry":{"type":"object","additionalProperties":false,"properties":{"attempts":{"type":"integer","minimum":1,"maximum":20,"default":3},"delaySeconds":{"type":"number","minimum":0,"maximum":600,"default":15}}},"concurrency":{"type":"integer","minimum":1,"maximum":64,"default":4},"chunkSize":{"type":"integer","minimum":1,"maximum":50000,"default":1000}}};
const formats2 = require("ajv-formats/dist/formats").fullFormats.uri;

function validate39(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema21.required,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema21.required,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema21.required,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema21.required,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema21.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("SyncTarget" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "SyncTarget"},message:"must be equal to constant",schema:"SyncTarget",parentSchema:schema21.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
if(!(validate12(data.metadata, {instancePath:instancePath+"/metadata",parentData:data,parentDataProperty:"metadata",rootData}))){
vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
errors = vErrors.length;
}
}
if(data.spec !== undefined){
let data3 = data.spec;
if(data3 && typeof data3 == "object" && !Array.isArray(data3)){
if(data3.type === undefined){
const err7 = {instancePath:instancePath+"/spec",schemaPath:"#/definitions/SyncTargetSpec/required",keyword:"required",params:{missingProperty: "type"},message:"must have required property '"+"type"+"'",schema:schema22.required,parentSchema:schema22,data:data3};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
for(const key1 in data3){
if(!(func2.call(schema22.properties, key1))){
const err8 = {instancePath:instancePath+"/spec",schemaPath:"#/definitions/SyncTargetSpec/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema22,data:data3};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data3.type !== undefined){
let data4 = data3.type;
if(!((data4 === "loadtester") || (data4 === "file"))){
const err9 = {instancePath:instancePath+"/spec/type",schemaPath:"#/definitions/SyncTargetSpec/properties/type/enum",keyword:"enum",params:{allowedValues: schema22.properties.type.enum},message:"must be equal to one of the allowed values",schema:schema22.properties.type.enum,parentSchema:schema22.properties.type,data:data4};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data3.url !== undefined){
let data5 = data3.url;
if(typeof data5 === "string"){
if(!(formats2(data5))){
const err10 = {instancePath:instancePath+"/spec/url",schemaPath:"#/definitions/SyncTargetSpec/properties/url/format",keyword:"format",params:{format: "uri"},message:"must match format \""+"uri"+"\"",schema:"uri",parentSchema:schema22.properties.url,data:data5};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
else {
const err11 = {instancePath:instancePath+"/spec/url",schemaPath:"#/definitions/SyncTargetSpec/properties/url/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema22.properties.url.type,parentSchema:schema22.properties.url,data:data5};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
if(data3.urlFromEnv !== undefined){
let data6 = data3.urlFromEnv;
if(typeof data6 === "string"){
if(!pattern5.test(data6)){
const err12 = {instancePath:instancePath+"/spec/urlFromEnv",schemaPath:"#/definitions/SyncTargetSpec/properties/urlFromEnv/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema22.properties.urlFromEnv,data:data6};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
else {
const err13 = {instancePath:instancePath+"/spec/urlFromEnv",schemaPath:"#/definitions/SyncTargetSpec/properties/urlFromEnv/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema22.properties.urlFromEnv.type,parentSchema:schema22.properties.urlFromEnv,data:data6};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
if(data3.auth !== undefined){
let data7 = data3.auth;
if(data7 && typeof data7 == "object" && !Array.isArray(data7)){
if(data7.tokenFromEnv === undefined){
const err14 = {instancePath:instancePath+"/spec/auth",schemaPath:"#/definitions/SyncTargetSpec/properties/auth/required",keyword:"required",params:{missingProperty: "tokenFromEnv"},message:"must have required property '"+"tokenFromEnv"+"'",schema:schema22.properties.auth.required,parentSchema:schema22.properties.auth,data:data7};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
for(const key2 in data7){
if(!(key2 === "tokenFromEnv")){
const err15 = {instancePath:instancePath+"/spec/auth",schemaPath:"#/definitions/SyncTargetSpec/properties/auth/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema22.properties.auth,data:data7};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data7.tokenFromEnv !== undefined){
let data8 = data7.tokenFromEnv;
if(typeof data8 === "string"){
if(!pattern5.test(data8)){
const err16 = {instancePath:instancePath+"/spec/auth/tokenFromEnv",schemaPath:"#/definitions/SyncTargetSpec/properties/auth/properties/tokenFromEnv/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema22.properties.auth.properties.tokenFromEnv,data:data8};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/spec/auth/tokenFromEnv",schemaPath:"#/definitions/SyncTargetSpec/properties/auth/properties/tokenFromEnv/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema22.properties.auth.properties.tokenFromEnv.type,parentSchema:schema22.properties.auth.properties.tokenFromEnv,data:data8};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
else {
const err18 = {instancePath:instancePath+"/spec/auth",schemaPath:"#/definitions/SyncTargetSpec/properties/auth/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema22.properties.auth.type,parentSchema:schema22.properties.auth,data:data7};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
if(data3.optional !== undefined){
let data9 = data3.optional;
if(typeof data9 !== "boolean"){
const err19 = {instancePath:instancePath+"/spec/optional",schemaPath:"#/definitions/SyncTargetSpec/properties/optional/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema22.properties.optional.type,parentSchema:schema22.properties.optional,data:data9};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
if(data3.path !== undefined){
let data10 = data3.path;
if(typeof data10 === "string"){
if(func3(data10) < 1){
const err20 = {instancePath:instancePath+"/spec/path",schemaPath:"#/definitions/SyncTargetSpec/properties/path/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema22.properties.path,data:data10};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
else {
const err21 = {instancePath:instancePath+"/spec/path",schemaPath:"#/definitions/SyncTargetSpec/properties/path/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema22.properties.path.type,parentSchema:schema22.properties.path,data:data10};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
}
if(data3.format !== undefined){
let data11 = data3.format;
if(!(((data11 === "artillery-csv") || (data11 === "csv")) || (data11 === "k6-json"))){
const err22 = {instancePath:instancePath+"/spec/format",schemaPath:"#/definitions/SyncTargetSpec/properties/format/enum",keyword:"enum",params:{allowedValues: schema22.properties.format.enum},message:"must be equal to one of the allowed values",schema:schema22.properties.format.enum,parentSchema:schema22.properties.format,data:data11};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
if(data3.timeoutSeconds !== undefined){
let data12 = data3.timeoutSeconds;
if(typeof data12 == "number"){
if(data12 > 3600 || isNaN(data12)){
const err23 = {instancePath:instancePath+"/spec/timeoutSeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/timeoutSeconds/maximum",keyword:"maximum",params:{comparison: "<=", limit: 3600},message:"must be <= 3600",schema:3600,parentSchema:schema22.properties.timeoutSeconds,data:data12};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
if(data12 <= 0 || isNaN(data12)){
const err24 = {instancePath:instancePath+"/spec/timeoutSeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/timeoutSeconds/exclusiveMinimum",keyword:"exclusiveMinimum",params:{comparison: ">", limit: 0},message:"must be > 0",schema:0,parentSchema:schema22.properties.timeoutSeconds,data:data12};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/spec/timeoutSeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/timeoutSeconds/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema22.properties.timeoutSeconds.type,parentSchema:schema22.properties.timeoutSeconds,data:data12};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data3.retry !== undefined){
let data13 = data3.retry;
if(data13 && typeof data13 == "object" && !Array.isArray(data13)){
for(const key3 in data13){
if(!((key3 === "attempts") || (key3 === "delaySeconds"))){
const err26 = {instancePath:instancePath+"/spec/retry",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema22.properties.retry,data:data13};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
if(data13.attempts !== undefined){
let data14 = data13.attempts;
if(!((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14)))){
const err27 = {instancePath:instancePath+"/spec/retry/attempts",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/attempts/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.retry.properties.attempts.type,parentSchema:schema22.properties.retry.properties.attempts,data:data14};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(typeof data14 == "number"){
if(data14 > 20 || isNaN(data14)){
const err28 = {instancePath:instancePath+"/spec/retry/attempts",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/attempts/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20",schema:20,parentSchema:schema22.properties.retry.properties.attempts,data:data14};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
if(data14 < 1 || isNaN(data14)){
const err29 = {instancePath:instancePath+"/spec/retry/attempts",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/attempts/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema22.properties.retry.properties.attempts,data:data14};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
}
if(data13.delaySeconds !== undefined){
let data15 = data13.delaySeconds;
if(typeof data15 == "number"){
if(data15 > 600 || isNaN(data15)){
const err30 = {instancePath:instancePath+"/spec/retry/delaySeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/delaySeconds/maximum",keyword:"maximum",params:{comparison: "<=", limit: 600},message:"must be <= 600",schema:600,parentSchema:schema22.properties.retry.properties.delaySeconds,data:data15};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(data15 < 0 || isNaN(data15)){
const err31 = {instancePath:instancePath+"/spec/retry/delaySeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/delaySeconds/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema22.properties.retry.properties.delaySeconds,data:data15};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
else {
const err32 = {instancePath:instancePath+"/spec/retry/delaySeconds",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/properties/delaySeconds/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema22.properties.retry.properties.delaySeconds.type,parentSchema:schema22.properties.retry.properties.delaySeconds,data:data15};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
}
}
else {
const err33 = {instancePath:instancePath+"/spec/retry",schemaPath:"#/definitions/SyncTargetSpec/properties/retry/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema22.properties.retry.type,parentSchema:schema22.properties.retry,data:data13};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data3.concurrency !== undefined){
let data16 = data3.concurrency;
if(!((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16)))){
const err34 = {instancePath:instancePath+"/spec/concurrency",schemaPath:"#/definitions/SyncTargetSpec/properties/concurrency/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.concurrency.type,parentSchema:schema22.properties.concurrency,data:data16};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(typeof data16 == "number"){
if(data16 > 64 || isNaN(data16)){
const err35 = {instancePath:instancePath+"/spec/concurrency",schemaPath:"#/definitions/SyncTargetSpec/properties/concurrency/maximum",keyword:"maximum",params:{comparison: "<=", limit: 64},message:"must be <= 64",schema:64,parentSchema:schema22.properties.concurrency,data:data16};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data16 < 1 || isNaN(data16)){
const err36 = {instancePath:instancePath+"/spec/concurrency",schemaPath:"#/definitions/SyncTargetSpec/properties/concurrency/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema22.properties.concurrency,data:data16};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
if(data3.chunkSize !== undefined){
let data17 = data3.chunkSize;
if(!((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17)))){
const err37 = {instancePath:instancePath+"/spec/chunkSize",schemaPath:"#/definitions/SyncTargetSpec/properties/chunkSize/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema22.properties.chunkSize.type,parentSchema:schema22.properties.chunkSize,data:data17};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(typeof data17 == "number"){
if(data17 > 50000 || isNaN(data17)){
const err38 = {instancePath:instancePath+"/spec/chunkSize",schemaPath:"#/definitions/SyncTargetSpec/properties/chunkSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 50000},message:"must be <= 50000",schema:50000,parentSchema:schema22.properties.chunkSize,data:data17};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(data17 < 1 || isNaN(data17)){
const err39 = {instancePath:instancePath+"/spec/chunkSize",schemaPath:"#/definitions/SyncTargetSpec/properties/chunkSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema22.properties.chunkSize,data:data17};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
}
}
else {
const err40 = {instancePath:instancePath+"/spec",schemaPath:"#/definitions/SyncTargetSpec/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema22.type,parentSchema:schema22,data:data3};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
}
}
else {
const err41 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema21.type,parentSchema:schema21,data};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
validate39.errors = vErrors;
return errors === 0;
}

export const ReconcilerConfig = validate41;
const schema23 = {"type":"object","title":"ReconcilerConfig","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"ReconcilerConfig"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/ReconcilerConfigSpec"}}};
const schema24 = {"type":"object","title":"ReconcilerConfigSpec","additionalProperties":false,"properties":{"strictMode":{"type":"boolean","default":true,"description":"Never delete a row that is not is_test_user = true and owned by a population the reconciler knows."},"maxDeletePercent":{"type":"number","minimum":0,"maximum":100,"default":50,"description":"Largest share of managed users one run may delete without --allow-mass-delete."},"allowPartialCleanup":{"type":"boolean","default":false,"description":"When false, a cleanup deletes a population from the database only after every target confirmed deleting it."},"confirmationRequired":{"type":"boolean","default":true,"description":"An interactive run asks before deleting; a non-interactive one needs --yes."},"fileTargetDir":{"type":"string","minLength":1,"default":"out","description":"The only directory file targets write into, relative to the directory that holds the specs directory (absolute allowed). Files already there that bulk-users did not write are never replaced."},"writeStreams":{"enum":[1,2,3,4,"auto"],"default":"auto","description":"Create batches written at once, each a COPY on its own pooled connection (the pool holds 4): 1-4, or auto (the default) to measure the first batches of a large create on one stream and on two and go on with the faster."},"passwordHash":{"$ref":"#/definitions/PasswordHash"},"userStore":{"$ref":"#/definitions/UserStoreSpec"}}};
const schema25 = {"type":"object","title":"PasswordHash","description":"How test users' passwords are hashed: the format the application's login code accepts. Each algorithm takes only its own parameters; left out, they take the defaults named in their descriptions. Changing the algorithm or a parameter rehashes each population once on the next reconcile.","required":["algorithm"],"additionalProperties":false,"properties":{"algorithm":{"type":"string","enum":["scrypt","werkzeug-scrypt","bcrypt","argon2id","django-pbkdf2-sha256","werkzeug-pbkdf2-sha256"],"description":"The format the application's login code reads: scrypt (this project's own scrypt$N$r$p$salt$hash), bcrypt ($2b$), argon2id (PHC string), django-pbkdf2-sha256 (pbkdf2_sha256$...), werkzeug-scrypt (scrypt:N:r:p$...) or werkzeug-pbkdf2-sha256 (pbkdf2:sha256:N$...)."},"n":{"type":"integer","enum":[1024,2048,4096,8192,16384,32768,65536,131072],"description":"scrypt CPU/memory cost N, a power of two up to 131072 (default 32768)."},"r":{"type":"integer","minimum":1,"maximum":32,"description":"scrypt block size r (default 8)."},"p":{"type":"integer","minimum":1,"maximum":16,"description":"scrypt parallelization p (default 1)."},"cost":{"type":"integer","minimum":4,"maximum":20,"description":"bcrypt cost, log2 of the rounds (default 12)."},"memoryCost":{"type":"integer","minimum":8,"maximum":1048576,"description":"argon2id memory in KiB, m= (default 19456)."},"timeCost":{"type":"integer","minimum":1,"maximum":100,"description":"argon2id passes, t= (default 2)."},"parallelism":{"type":"integer","minimum":1,"maximum":16,"description":"argon2id lanes, p= (default 1)."},"iterations":{"type":"integer","minimum":1000,"maximum":10000000,"description":"PBKDF2-HMAC-SHA256 iterations (default 1000000, the value of Django 5.2 and Werkzeug 3.1)."}},"allOf":[{"if":{"properties":{"algorithm":{"const":"scrypt"}}},"then":{"properties":{"algorithm":true,"n":true,"r":true,"p":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"werkzeug-scrypt"}}},"then":{"properties":{"algorithm":true,"n":true,"r":true,"p":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"bcrypt"}}},"then":{"properties":{"algorithm":true,"cost":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"argon2id"}}},"then":{"properties":{"algorithm":true,"memoryCost":true,"timeCost":true,"parallelism":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"django-pbkdf2-sha256"}}},"then":{"properties":{"algorithm":true,"iterations":true},"additionalProperties":false}},{"if":{"properties":{"algorithm":{"const":"werkzeug-pbkdf2-sha256"}}},"then":{"properties":{"algorithm":true,"iterations":true},"additionalProperties":false}}]};
const schema26 = {"type":"object","title":"UserStoreSpec","additionalProperties":false,"description":"Where test users are written. Without it: the embedded users table. With it: the application's own table; ownership (population, seq, content hash, lease end) stays in bulk_user_ownership, keyed by the table's primary key, so the table needs no ALTER.","required":["table","primaryKey","columns","testUserMarker"],"properties":{"table":{"type":"string","pattern":"^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$","description":"The application's users table, schema-qualified (public.auth_user)."},"primaryKey":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$","description":"Its primary key column (smallint, integer or bigint)."},"columns":{"type":"object","additionalProperties":false,"required":["username","passwordHash"],"properties":{"username":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$","description":"Column holding the username (needs a unique index). May be the email column when usernames are addresses."},"email":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$","description":"Column holding the e-mail address."},"passwordHash":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$","description":"Column holding the password hash."}}},"testUserMarker":{"type":"object","additionalProperties":false,"required":["column","equals"],"description":"What marks a row as a test user: column = value. Every other row is a production user, never written.","properties":{"column":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},"equals":{"type":["string","number","boolean"]}}},"staticColumns":{"type":"object","description":"Columns set on create: a literal, or {now: true}.","propertyNames":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},"additionalProperties":{"oneOf":[{"type":["string","number","boolean","null"]},{"type":"object","additionalProperties":false,"required":["now"],"properties":{"now":{"const":true,"description":"The time of the insert (now())."}}}]}},"attributes":{"type":"object","additionalProperties":false,"description":"Where population attributes are written in the application's table: one jsonb column, and/or some attributes to columns. Sync targets get the population's attributes either way.","properties":{"jsonColumn":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},"columns":{"type":"object","propertyNames":{"type":"string","minLength":1},"additionalProperties":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"}}}},"dependents":{"type":"array","description":"Rows of the application that reference a test user (orders, sessions): deleted first, in the same transaction, only where they reference a managed test user being deleted.","items":{"type":"object","additionalProperties":false,"required":["table","column"],"properties":{"table":{"type":"string","pattern":"^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$"},"column":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"}}}},"guardTrigger":{"type":"boolean","default":false,"description":"Install the statement-level guard trigger on the mapped table too (needs its owner's rights; costs every UPDATE and DELETE of the application a transition table). Every statement of the reconciler carries the marker and ownership predicate either way."}}};
const pattern12 = new RegExp("^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$", "u");
const pattern13 = new RegExp("^[A-Za-z_][A-Za-z0-9_$]{0,62}$", "u");

function validate24(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!((((((((key0 === "strictMode") || (key0 === "maxDeletePercent")) || (key0 === "allowPartialCleanup")) || (key0 === "confirmationRequired")) || (key0 === "fileTargetDir")) || (key0 === "writeStreams")) || (key0 === "passwordHash")) || (key0 === "userStore"))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema24,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.strictMode !== undefined){
let data0 = data.strictMode;
if(typeof data0 !== "boolean"){
const err1 = {instancePath:instancePath+"/strictMode",schemaPath:"#/properties/strictMode/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema24.properties.strictMode.type,parentSchema:schema24.properties.strictMode,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
}
if(data.maxDeletePercent !== undefined){
let data1 = data.maxDeletePercent;
if(typeof data1 == "number"){
if(data1 > 100 || isNaN(data1)){
const err2 = {instancePath:instancePath+"/maxDeletePercent",schemaPath:"#/properties/maxDeletePercent/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema24.properties.maxDeletePercent,data:data1};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data1 < 0 || isNaN(data1)){
const err3 = {instancePath:instancePath+"/maxDeletePercent",schemaPath:"#/properties/maxDeletePercent/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema24.properties.maxDeletePercent,data:data1};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
else {
const err4 = {instancePath:instancePath+"/maxDeletePercent",schemaPath:"#/properties/maxDeletePercent/type",keyword:"type",params:{type: "number"},message:"must be number",schema:schema24.properties.maxDeletePercent.type,parentSchema:schema24.properties.maxDeletePercent,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.allowPartialCleanup !== undefined){
let data2 = data.allowPartialCleanup;
if(typeof data2 !== "boolean"){
const err5 = {instancePath:instancePath+"/allowPartialCleanup",schemaPath:"#/properties/allowPartialCleanup/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema24.properties.allowPartialCleanup.type,parentSchema:schema24.properties.allowPartialCleanup,data:data2};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.confirmationRequired !== undefined){
let data3 = data.confirmationRequired;
if(typeof data3 !== "boolean"){
const err6 = {instancePath:instancePath+"/confirmationRequired",schemaPath:"#/properties/confirmationRequired/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema24.properties.confirmationRequired.type,parentSchema:schema24.properties.confirmationRequired,data:data3};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.fileTargetDir !== undefined){
let data4 = data.fileTargetDir;
if(typeof data4 === "string"){
if(func3(data4) < 1){
const err7 = {instancePath:instancePath+"/fileTargetDir",schemaPath:"#/properties/fileTargetDir/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema24.properties.fileTargetDir,data:data4};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
else {
const err8 = {instancePath:instancePath+"/fileTargetDir",schemaPath:"#/properties/fileTargetDir/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema24.properties.fileTargetDir.type,parentSchema:schema24.properties.fileTargetDir,data:data4};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
}
if(data.writeStreams !== undefined){
let data5 = data.writeStreams;
if(!(((((data5 === 1) || (data5 === 2)) || (data5 === 3)) || (data5 === 4)) || (data5 === "auto"))){
const err9 = {instancePath:instancePath+"/writeStreams",schemaPath:"#/properties/writeStreams/enum",keyword:"enum",params:{allowedValues: schema24.properties.writeStreams.enum},message:"must be equal to one of the allowed values",schema:schema24.properties.writeStreams.enum,parentSchema:schema24.properties.writeStreams,data:data5};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
}
if(data.passwordHash !== undefined){
let data6 = data.passwordHash;
const _errs17 = errors;
let valid3 = true;
const _errs18 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.algorithm !== undefined){
if("scrypt" !== data6.algorithm){
const err10 = {};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
var _valid0 = _errs18 === errors;
errors = _errs17;
if(vErrors !== null){
if(_errs17){
vErrors.length = _errs17;
}
else {
vErrors = null;
}
}
if(_valid0){
const _errs20 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key1 in data6){
if(!((((key1 === "algorithm") || (key1 === "n")) || (key1 === "r")) || (key1 === "p"))){
const err11 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/0/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema25.allOf[0].then,data:data6};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
}
var _valid0 = _errs20 === errors;
valid3 = _valid0;
}
if(!valid3){
const err12 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/0/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema25.allOf[0].if,parentSchema:schema25.allOf[0],data:data6};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
const _errs23 = errors;
let valid5 = true;
const _errs24 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.algorithm !== undefined){
if("werkzeug-scrypt" !== data6.algorithm){
const err13 = {};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
}
}
var _valid1 = _errs24 === errors;
errors = _errs23;
if(vErrors !== null){
if(_errs23){
vErrors.length = _errs23;
}
else {
vErrors = null;
}
}
if(_valid1){
const _errs26 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key2 in data6){
if(!((((key2 === "algorithm") || (key2 === "n")) || (key2 === "r")) || (key2 === "p"))){
const err14 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/1/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key2},message:"must NOT have additional properties",schema:false,parentSchema:schema25.allOf[1].then,data:data6};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
}
}
var _valid1 = _errs26 === errors;
valid5 = _valid1;
}
if(!valid5){
const err15 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/1/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema25.allOf[1].if,parentSchema:schema25.allOf[1],data:data6};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
const _errs29 = errors;
let valid7 = true;
const _errs30 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.algorithm !== undefined){
if("bcrypt" !== data6.algorithm){
const err16 = {};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
}
var _valid2 = _errs30 === errors;
errors = _errs29;
if(vErrors !== null){
if(_errs29){
vErrors.length = _errs29;
}
else {
vErrors = null;
}
}
if(_valid2){
const _errs32 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key3 in data6){
if(!((key3 === "algorithm") || (key3 === "cost"))){
const err17 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/2/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key3},message:"must NOT have additional properties",schema:false,parentSchema:schema25.allOf[2].then,data:data6};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
}
var _valid2 = _errs32 === errors;
valid7 = _valid2;
}
if(!valid7){
const err18 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/2/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema25.allOf[2].if,parentSchema:schema25.allOf[2],data:data6};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
const _errs35 = errors;
let valid9 = true;
const _errs36 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.algorithm !== undefined){
if("argon2id" !== data6.algorithm){
const err19 = {};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
var _valid3 = _errs36 === errors;
errors = _errs35;
if(vErrors !== null){
if(_errs35){
vErrors.length = _errs35;
}
else {
vErrors = null;
}
}
if(_valid3){
const _errs38 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key4 in data6){
if(!((((key4 === "algorithm") || (key4 === "memoryCost")) || (key4 === "timeCost")) || (key4 === "parallelism"))){
const err20 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/3/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key4},message:"must NOT have additional properties",schema:false,parentSchema:schema25.allOf[3].then,data:data6};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
}
var _valid3 = _errs38 === errors;
valid9 = _valid3;
}
if(!valid9){
const err21 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/3/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema25.allOf[3].if,parentSchema:schema25.allOf[3],data:data6};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
const _errs41 = errors;
let valid11 = true;
const _errs42 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.algorithm !== undefined){
if("django-pbkdf2-sha256" !== data6.algorithm){
const err22 = {};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
}
}
var _valid4 = _errs42 === errors;
errors = _errs41;
if(vErrors !== null){
if(_errs41){
vErrors.length = _errs41;
}
else {
vErrors = null;
}
}
if(_valid4){
const _errs44 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key5 in data6){
if(!((key5 === "algorithm") || (key5 === "iterations"))){
const err23 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/4/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key5},message:"must NOT have additional properties",schema:false,parentSchema:schema25.allOf[4].then,data:data6};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
var _valid4 = _errs44 === errors;
valid11 = _valid4;
}
if(!valid11){
const err24 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/4/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema25.allOf[4].if,parentSchema:schema25.allOf[4],data:data6};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
const _errs47 = errors;
let valid13 = true;
const _errs48 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.algorithm !== undefined){
if("werkzeug-pbkdf2-sha256" !== data6.algorithm){
const err25 = {};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
}
var _valid5 = _errs48 === errors;
errors = _errs47;
if(vErrors !== null){
if(_errs47){
vErrors.length = _errs47;
}
else {
vErrors = null;
}
}
if(_valid5){
const _errs50 = errors;
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
for(const key6 in data6){
if(!((key6 === "algorithm") || (key6 === "iterations"))){
const err26 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/5/then/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key6},message:"must NOT have additional properties",schema:false,parentSchema:schema25.allOf[5].then,data:data6};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
}
var _valid5 = _errs50 === errors;
valid13 = _valid5;
}
if(!valid13){
const err27 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/allOf/5/if",keyword:"if",params:{failingKeyword: "then"},message:"must match \"then\" schema",schema:schema25.allOf[5].if,parentSchema:schema25.allOf[5],data:data6};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
if(data6 && typeof data6 == "object" && !Array.isArray(data6)){
if(data6.algorithm === undefined){
const err28 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/required",keyword:"required",params:{missingProperty: "algorithm"},message:"must have required property '"+"algorithm"+"'",schema:schema25.required,parentSchema:schema25,data:data6};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
for(const key7 in data6){
if(!(func2.call(schema25.properties, key7))){
const err29 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key7},message:"must NOT have additional properties",schema:false,parentSchema:schema25,data:data6};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
}
}
if(data6.algorithm !== undefined){
let data13 = data6.algorithm;
if(typeof data13 !== "string"){
const err30 = {instancePath:instancePath+"/passwordHash/algorithm",schemaPath:"#/definitions/PasswordHash/properties/algorithm/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema25.properties.algorithm.type,parentSchema:schema25.properties.algorithm,data:data13};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
if(!((((((data13 === "scrypt") || (data13 === "werkzeug-scrypt")) || (data13 === "bcrypt")) || (data13 === "argon2id")) || (data13 === "django-pbkdf2-sha256")) || (data13 === "werkzeug-pbkdf2-sha256"))){
const err31 = {instancePath:instancePath+"/passwordHash/algorithm",schemaPath:"#/definitions/PasswordHash/properties/algorithm/enum",keyword:"enum",params:{allowedValues: schema25.properties.algorithm.enum},message:"must be equal to one of the allowed values",schema:schema25.properties.algorithm.enum,parentSchema:schema25.properties.algorithm,data:data13};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
if(data6.n !== undefined){
let data14 = data6.n;
if(!((typeof data14 == "number") && (!(data14 % 1) && !isNaN(data14)))){
const err32 = {instancePath:instancePath+"/passwordHash/n",schemaPath:"#/definitions/PasswordHash/properties/n/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.n.type,parentSchema:schema25.properties.n,data:data14};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
if(!((((((((data14 === 1024) || (data14 === 2048)) || (data14 === 4096)) || (data14 === 8192)) || (data14 === 16384)) || (data14 === 32768)) || (data14 === 65536)) || (data14 === 131072))){
const err33 = {instancePath:instancePath+"/passwordHash/n",schemaPath:"#/definitions/PasswordHash/properties/n/enum",keyword:"enum",params:{allowedValues: schema25.properties.n.enum},message:"must be equal to one of the allowed values",schema:schema25.properties.n.enum,parentSchema:schema25.properties.n,data:data14};
if(vErrors === null){
vErrors = [err33];
}
else {
vErrors.push(err33);
}
errors++;
}
}
if(data6.r !== undefined){
let data15 = data6.r;
if(!((typeof data15 == "number") && (!(data15 % 1) && !isNaN(data15)))){
const err34 = {instancePath:instancePath+"/passwordHash/r",schemaPath:"#/definitions/PasswordHash/properties/r/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.r.type,parentSchema:schema25.properties.r,data:data15};
if(vErrors === null){
vErrors = [err34];
}
else {
vErrors.push(err34);
}
errors++;
}
if(typeof data15 == "number"){
if(data15 > 32 || isNaN(data15)){
const err35 = {instancePath:instancePath+"/passwordHash/r",schemaPath:"#/definitions/PasswordHash/properties/r/maximum",keyword:"maximum",params:{comparison: "<=", limit: 32},message:"must be <= 32",schema:32,parentSchema:schema25.properties.r,data:data15};
if(vErrors === null){
vErrors = [err35];
}
else {
vErrors.push(err35);
}
errors++;
}
if(data15 < 1 || isNaN(data15)){
const err36 = {instancePath:instancePath+"/passwordHash/r",schemaPath:"#/definitions/PasswordHash/properties/r/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema25.properties.r,data:data15};
if(vErrors === null){
vErrors = [err36];
}
else {
vErrors.push(err36);
}
errors++;
}
}
}
if(data6.p !== undefined){
let data16 = data6.p;
if(!((typeof data16 == "number") && (!(data16 % 1) && !isNaN(data16)))){
const err37 = {instancePath:instancePath+"/passwordHash/p",schemaPath:"#/definitions/PasswordHash/properties/p/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.p.type,parentSchema:schema25.properties.p,data:data16};
if(vErrors === null){
vErrors = [err37];
}
else {
vErrors.push(err37);
}
errors++;
}
if(typeof data16 == "number"){
if(data16 > 16 || isNaN(data16)){
const err38 = {instancePath:instancePath+"/passwordHash/p",schemaPath:"#/definitions/PasswordHash/properties/p/maximum",keyword:"maximum",params:{comparison: "<=", limit: 16},message:"must be <= 16",schema:16,parentSchema:schema25.properties.p,data:data16};
if(vErrors === null){
vErrors = [err38];
}
else {
vErrors.push(err38);
}
errors++;
}
if(data16 < 1 || isNaN(data16)){
const err39 = {instancePath:instancePath+"/passwordHash/p",schemaPath:"#/definitions/PasswordHash/properties/p/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema25.properties.p,data:data16};
if(vErrors === null){
vErrors = [err39];
}
else {
vErrors.push(err39);
}
errors++;
}
}
}
if(data6.cost !== undefined){
let data17 = data6.cost;
if(!((typeof data17 == "number") && (!(data17 % 1) && !isNaN(data17)))){
const err40 = {instancePath:instancePath+"/passwordHash/cost",schemaPath:"#/definitions/PasswordHash/properties/cost/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.cost.type,parentSchema:schema25.properties.cost,data:data17};
if(vErrors === null){
vErrors = [err40];
}
else {
vErrors.push(err40);
}
errors++;
}
if(typeof data17 == "number"){
if(data17 > 20 || isNaN(data17)){
const err41 = {instancePath:instancePath+"/passwordHash/cost",schemaPath:"#/definitions/PasswordHash/properties/cost/maximum",keyword:"maximum",params:{comparison: "<=", limit: 20},message:"must be <= 20",schema:20,parentSchema:schema25.properties.cost,data:data17};
if(vErrors === null){
vErrors = [err41];
}
else {
vErrors.push(err41);
}
errors++;
}
if(data17 < 4 || isNaN(data17)){
const err42 = {instancePath:instancePath+"/passwordHash/cost",schemaPath:"#/definitions/PasswordHash/properties/cost/minimum",keyword:"minimum",params:{comparison: ">=", limit: 4},message:"must be >= 4",schema:4,parentSchema:schema25.properties.cost,data:data17};
if(vErrors === null){
vErrors = [err42];
}
else {
vErrors.push(err42);
}
errors++;
}
}
}
if(data6.memoryCost !== undefined){
let data18 = data6.memoryCost;
if(!((typeof data18 == "number") && (!(data18 % 1) && !isNaN(data18)))){
const err43 = {instancePath:instancePath+"/passwordHash/memoryCost",schemaPath:"#/definitions/PasswordHash/properties/memoryCost/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.memoryCost.type,parentSchema:schema25.properties.memoryCost,data:data18};
if(vErrors === null){
vErrors = [err43];
}
else {
vErrors.push(err43);
}
errors++;
}
if(typeof data18 == "number"){
if(data18 > 1048576 || isNaN(data18)){
const err44 = {instancePath:instancePath+"/passwordHash/memoryCost",schemaPath:"#/definitions/PasswordHash/properties/memoryCost/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1048576},message:"must be <= 1048576",schema:1048576,parentSchema:schema25.properties.memoryCost,data:data18};
if(vErrors === null){
vErrors = [err44];
}
else {
vErrors.push(err44);
}
errors++;
}
if(data18 < 8 || isNaN(data18)){
const err45 = {instancePath:instancePath+"/passwordHash/memoryCost",schemaPath:"#/definitions/PasswordHash/properties/memoryCost/minimum",keyword:"minimum",params:{comparison: ">=", limit: 8},message:"must be >= 8",schema:8,parentSchema:schema25.properties.memoryCost,data:data18};
if(vErrors === null){
vErrors = [err45];
}
else {
vErrors.push(err45);
}
errors++;
}
}
}
if(data6.timeCost !== undefined){
let data19 = data6.timeCost;
if(!((typeof data19 == "number") && (!(data19 % 1) && !isNaN(data19)))){
const err46 = {instancePath:instancePath+"/passwordHash/timeCost",schemaPath:"#/definitions/PasswordHash/properties/timeCost/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.timeCost.type,parentSchema:schema25.properties.timeCost,data:data19};
if(vErrors === null){
vErrors = [err46];
}
else {
vErrors.push(err46);
}
errors++;
}
if(typeof data19 == "number"){
if(data19 > 100 || isNaN(data19)){
const err47 = {instancePath:instancePath+"/passwordHash/timeCost",schemaPath:"#/definitions/PasswordHash/properties/timeCost/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100},message:"must be <= 100",schema:100,parentSchema:schema25.properties.timeCost,data:data19};
if(vErrors === null){
vErrors = [err47];
}
else {
vErrors.push(err47);
}
errors++;
}
if(data19 < 1 || isNaN(data19)){
const err48 = {instancePath:instancePath+"/passwordHash/timeCost",schemaPath:"#/definitions/PasswordHash/properties/timeCost/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema25.properties.timeCost,data:data19};
if(vErrors === null){
vErrors = [err48];
}
else {
vErrors.push(err48);
}
errors++;
}
}
}
if(data6.parallelism !== undefined){
let data20 = data6.parallelism;
if(!((typeof data20 == "number") && (!(data20 % 1) && !isNaN(data20)))){
const err49 = {instancePath:instancePath+"/passwordHash/parallelism",schemaPath:"#/definitions/PasswordHash/properties/parallelism/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.parallelism.type,parentSchema:schema25.properties.parallelism,data:data20};
if(vErrors === null){
vErrors = [err49];
}
else {
vErrors.push(err49);
}
errors++;
}
if(typeof data20 == "number"){
if(data20 > 16 || isNaN(data20)){
const err50 = {instancePath:instancePath+"/passwordHash/parallelism",schemaPath:"#/definitions/PasswordHash/properties/parallelism/maximum",keyword:"maximum",params:{comparison: "<=", limit: 16},message:"must be <= 16",schema:16,parentSchema:schema25.properties.parallelism,data:data20};
if(vErrors === null){
vErrors = [err50];
}
else {
vErrors.push(err50);
}
errors++;
}
if(data20 < 1 || isNaN(data20)){
const err51 = {instancePath:instancePath+"/passwordHash/parallelism",schemaPath:"#/definitions/PasswordHash/properties/parallelism/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema25.properties.parallelism,data:data20};
if(vErrors === null){
vErrors = [err51];
}
else {
vErrors.push(err51);
}
errors++;
}
}
}
if(data6.iterations !== undefined){
let data21 = data6.iterations;
if(!((typeof data21 == "number") && (!(data21 % 1) && !isNaN(data21)))){
const err52 = {instancePath:instancePath+"/passwordHash/iterations",schemaPath:"#/definitions/PasswordHash/properties/iterations/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema25.properties.iterations.type,parentSchema:schema25.properties.iterations,data:data21};
if(vErrors === null){
vErrors = [err52];
}
else {
vErrors.push(err52);
}
errors++;
}
if(typeof data21 == "number"){
if(data21 > 10000000 || isNaN(data21)){
const err53 = {instancePath:instancePath+"/passwordHash/iterations",schemaPath:"#/definitions/PasswordHash/properties/iterations/maximum",keyword:"maximum",params:{comparison: "<=", limit: 10000000},message:"must be <= 10000000",schema:10000000,parentSchema:schema25.properties.iterations,data:data21};
if(vErrors === null){
vErrors = [err53];
}
else {
vErrors.push(err53);
}
errors++;
}
if(data21 < 1000 || isNaN(data21)){
const err54 = {instancePath:instancePath+"/passwordHash/iterations",schemaPath:"#/definitions/PasswordHash/properties/iterations/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1000},message:"must be >= 1000",schema:1000,parentSchema:schema25.properties.iterations,data:data21};
if(vErrors === null){
vErrors = [err54];
}
else {
vErrors.push(err54);
}
errors++;
}
}
}
}
else {
const err55 = {instancePath:instancePath+"/passwordHash",schemaPath:"#/definitions/PasswordHash/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema25.type,parentSchema:schema25,data:data6};
if(vErrors === null){
vErrors = [err55];
}
else {
vErrors.push(err55);
}
errors++;
}
}
if(data.userStore !== undefined){
let data22 = data.userStore;
if(data22 && typeof data22 == "object" && !Array.isArray(data22)){
if(data22.table === undefined){
const err56 = {instancePath:instancePath+"/userStore",schemaPath:"#/definitions/UserStoreSpec/required",keyword:"required",params:{missingProperty: "table"},message:"must have required property '"+"table"+"'",schema:schema26.required,parentSchema:schema26,data:data22};
if(vErrors === null){
vErrors = [err56];
}
else {
vErrors.push(err56);
}
errors++;
}
if(data22.primaryKey === undefined){
const err57 = {instancePath:instancePath+"/userStore",schemaPath:"#/definitions/UserStoreSpec/required",keyword:"required",params:{missingProperty: "primaryKey"},message:"must have required property '"+"primaryKey"+"'",schema:schema26.required,parentSchema:schema26,data:data22};
if(vErrors === null){
vErrors = [err57];
}
else {
vErrors.push(err57);
}
errors++;
}
if(data22.columns === undefined){
const err58 = {instancePath:instancePath+"/userStore",schemaPath:"#/definitions/UserStoreSpec/required",keyword:"required",params:{missingProperty: "columns"},message:"must have required property '"+"columns"+"'",schema:schema26.required,parentSchema:schema26,data:data22};
if(vErrors === null){
vErrors = [err58];
}
else {
vErrors.push(err58);
}
errors++;
}
if(data22.testUserMarker === undefined){
const err59 = {instancePath:instancePath+"/userStore",schemaPath:"#/definitions/UserStoreSpec/required",keyword:"required",params:{missingProperty: "testUserMarker"},message:"must have required property '"+"testUserMarker"+"'",schema:schema26.required,parentSchema:schema26,data:data22};
if(vErrors === null){
vErrors = [err59];
}
else {
vErrors.push(err59);
}
errors++;
}
for(const key8 in data22){
if(!((((((((key8 === "table") || (key8 === "primaryKey")) || (key8 === "columns")) || (key8 === "testUserMarker")) || (key8 === "staticColumns")) || (key8 === "attributes")) || (key8 === "dependents")) || (key8 === "guardTrigger"))){
const err60 = {instancePath:instancePath+"/userStore",schemaPath:"#/definitions/UserStoreSpec/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key8},message:"must NOT have additional properties",schema:false,parentSchema:schema26,data:data22};
if(vErrors === null){
vErrors = [err60];
}
else {
vErrors.push(err60);
}
errors++;
}
}
if(data22.table !== undefined){
let data23 = data22.table;
if(typeof data23 === "string"){
if(!pattern12.test(data23)){
const err61 = {instancePath:instancePath+"/userStore/table",schemaPath:"#/definitions/UserStoreSpec/properties/table/pattern",keyword:"pattern",params:{pattern: "^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.table,data:data23};
if(vErrors === null){
vErrors = [err61];
}
else {
vErrors.push(err61);
}
errors++;
}
}
else {
const err62 = {instancePath:instancePath+"/userStore/table",schemaPath:"#/definitions/UserStoreSpec/properties/table/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.table.type,parentSchema:schema26.properties.table,data:data23};
if(vErrors === null){
vErrors = [err62];
}
else {
vErrors.push(err62);
}
errors++;
}
}
if(data22.primaryKey !== undefined){
let data24 = data22.primaryKey;
if(typeof data24 === "string"){
if(!pattern13.test(data24)){
const err63 = {instancePath:instancePath+"/userStore/primaryKey",schemaPath:"#/definitions/UserStoreSpec/properties/primaryKey/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.primaryKey,data:data24};
if(vErrors === null){
vErrors = [err63];
}
else {
vErrors.push(err63);
}
errors++;
}
}
else {
const err64 = {instancePath:instancePath+"/userStore/primaryKey",schemaPath:"#/definitions/UserStoreSpec/properties/primaryKey/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.primaryKey.type,parentSchema:schema26.properties.primaryKey,data:data24};
if(vErrors === null){
vErrors = [err64];
}
else {
vErrors.push(err64);
}
errors++;
}
}
if(data22.columns !== undefined){
let data25 = data22.columns;
if(data25 && typeof data25 == "object" && !Array.isArray(data25)){
if(data25.username === undefined){
const err65 = {instancePath:instancePath+"/userStore/columns",schemaPath:"#/definitions/UserStoreSpec/properties/columns/required",keyword:"required",params:{missingProperty: "username"},message:"must have required property '"+"username"+"'",schema:schema26.properties.columns.required,parentSchema:schema26.properties.columns,data:data25};
if(vErrors === null){
vErrors = [err65];
}
else {
vErrors.push(err65);
}
errors++;
}
if(data25.passwordHash === undefined){
const err66 = {instancePath:instancePath+"/userStore/columns",schemaPath:"#/definitions/UserStoreSpec/properties/columns/required",keyword:"required",params:{missingProperty: "passwordHash"},message:"must have required property '"+"passwordHash"+"'",schema:schema26.properties.columns.required,parentSchema:schema26.properties.columns,data:data25};
if(vErrors === null){
vErrors = [err66];
}
else {
vErrors.push(err66);
}
errors++;
}
for(const key9 in data25){
if(!(((key9 === "username") || (key9 === "email")) || (key9 === "passwordHash"))){
const err67 = {instancePath:instancePath+"/userStore/columns",schemaPath:"#/definitions/UserStoreSpec/properties/columns/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key9},message:"must NOT have additional properties",schema:false,parentSchema:schema26.properties.columns,data:data25};
if(vErrors === null){
vErrors = [err67];
}
else {
vErrors.push(err67);
}
errors++;
}
}
if(data25.username !== undefined){
let data26 = data25.username;
if(typeof data26 === "string"){
if(!pattern13.test(data26)){
const err68 = {instancePath:instancePath+"/userStore/columns/username",schemaPath:"#/definitions/UserStoreSpec/properties/columns/properties/username/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.columns.properties.username,data:data26};
if(vErrors === null){
vErrors = [err68];
}
else {
vErrors.push(err68);
}
errors++;
}
}
else {
const err69 = {instancePath:instancePath+"/userStore/columns/username",schemaPath:"#/definitions/UserStoreSpec/properties/columns/properties/username/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.columns.properties.username.type,parentSchema:schema26.properties.columns.properties.username,data:data26};
if(vErrors === null){
vErrors = [err69];
}
else {
vErrors.push(err69);
}
errors++;
}
}
if(data25.email !== undefined){
let data27 = data25.email;
if(typeof data27 === "string"){
if(!pattern13.test(data27)){
const err70 = {instancePath:instancePath+"/userStore/columns/email",schemaPath:"#/definitions/UserStoreSpec/properties/columns/properties/email/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.columns.properties.email,data:data27};
if(vErrors === null){
vErrors = [err70];
}
else {
vErrors.push(err70);
}
errors++;
}
}
else {
const err71 = {instancePath:instancePath+"/userStore/columns/email",schemaPath:"#/definitions/UserStoreSpec/properties/columns/properties/email/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.columns.properties.email.type,parentSchema:schema26.properties.columns.properties.email,data:data27};
if(vErrors === null){
vErrors = [err71];
}
else {
vErrors.push(err71);
}
errors++;
}
}
if(data25.passwordHash !== undefined){
let data28 = data25.passwordHash;
if(typeof data28 === "string"){
if(!pattern13.test(data28)){
const err72 = {instancePath:instancePath+"/userStore/columns/passwordHash",schemaPath:"#/definitions/UserStoreSpec/properties/columns/properties/passwordHash/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.columns.properties.passwordHash,data:data28};
if(vErrors === null){
vErrors = [err72];
}
else {
vErrors.push(err72);
}
errors++;
}
}
else {
const err73 = {instancePath:instancePath+"/userStore/columns/passwordHash",schemaPath:"#/definitions/UserStoreSpec/properties/columns/properties/passwordHash/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.columns.properties.passwordHash.type,parentSchema:schema26.properties.columns.properties.passwordHash,data:data28};
if(vErrors === null){
vErrors = [err73];
}
else {
vErrors.push(err73);
}
errors++;
}
}
}
else {
const err74 = {instancePath:instancePath+"/userStore/columns",schemaPath:"#/definitions/UserStoreSpec/properties/columns/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.properties.columns.type,parentSchema:schema26.properties.columns,data:data25};
if(vErrors === null){
vErrors = [err74];
}
else {
vErrors.push(err74);
}
errors++;
}
}
if(data22.testUserMarker !== undefined){
let data29 = data22.testUserMarker;
if(data29 && typeof data29 == "object" && !Array.isArray(data29)){
if(data29.column === undefined){
const err75 = {instancePath:instancePath+"/userStore/testUserMarker",schemaPath:"#/definitions/UserStoreSpec/properties/testUserMarker/required",keyword:"required",params:{missingProperty: "column"},message:"must have required property '"+"column"+"'",schema:schema26.properties.testUserMarker.required,parentSchema:schema26.properties.testUserMarker,data:data29};
if(vErrors === null){
vErrors = [err75];
}
else {
vErrors.push(err75);
}
errors++;
}
if(data29.equals === undefined){
const err76 = {instancePath:instancePath+"/userStore/testUserMarker",schemaPath:"#/definitions/UserStoreSpec/properties/testUserMarker/required",keyword:"required",params:{missingProperty: "equals"},message:"must have required property '"+"equals"+"'",schema:schema26.properties.testUserMarker.required,parentSchema:schema26.properties.testUserMarker,data:data29};
if(vErrors === null){
vErrors = [err76];
}
else {
vErrors.push(err76);
}
errors++;
}
for(const key10 in data29){
if(!((key10 === "column") || (key10 === "equals"))){
const err77 = {instancePath:instancePath+"/userStore/testUserMarker",schemaPath:"#/definitions/UserStoreSpec/properties/testUserMarker/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key10},message:"must NOT have additional properties",schema:false,parentSchema:schema26.properties.testUserMarker,data:data29};
if(vErrors === null){
vErrors = [err77];
}
else {
vErrors.push(err77);
}
errors++;
}
}
if(data29.column !== undefined){
let data30 = data29.column;
if(typeof data30 === "string"){
if(!pattern13.test(data30)){
const err78 = {instancePath:instancePath+"/userStore/testUserMarker/column",schemaPath:"#/definitions/UserStoreSpec/properties/testUserMarker/properties/column/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.testUserMarker.properties.column,data:data30};
if(vErrors === null){
vErrors = [err78];
}
else {
vErrors.push(err78);
}
errors++;
}
}
else {
const err79 = {instancePath:instancePath+"/userStore/testUserMarker/column",schemaPath:"#/definitions/UserStoreSpec/properties/testUserMarker/properties/column/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.testUserMarker.properties.column.type,parentSchema:schema26.properties.testUserMarker.properties.column,data:data30};
if(vErrors === null){
vErrors = [err79];
}
else {
vErrors.push(err79);
}
errors++;
}
}
if(data29.equals !== undefined){
let data31 = data29.equals;
if(((typeof data31 !== "string") && (!(typeof data31 == "number"))) && (typeof data31 !== "boolean")){
const err80 = {instancePath:instancePath+"/userStore/testUserMarker/equals",schemaPath:"#/definitions/UserStoreSpec/properties/testUserMarker/properties/equals/type",keyword:"type",params:{type: schema26.properties.testUserMarker.properties.equals.type},message:"must be string,number,boolean",schema:schema26.properties.testUserMarker.properties.equals.type,parentSchema:schema26.properties.testUserMarker.properties.equals,data:data31};
if(vErrors === null){
vErrors = [err80];
}
else {
vErrors.push(err80);
}
errors++;
}
}
}
else {
const err81 = {instancePath:instancePath+"/userStore/testUserMarker",schemaPath:"#/definitions/UserStoreSpec/properties/testUserMarker/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.properties.testUserMarker.type,parentSchema:schema26.properties.testUserMarker,data:data29};
if(vErrors === null){
vErrors = [err81];
}
else {
vErrors.push(err81);
}
errors++;
}
}
if(data22.staticColumns !== undefined){
let data32 = data22.staticColumns;
if(data32 && typeof data32 == "object" && !Array.isArray(data32)){
for(const key11 in data32){
const _errs97 = errors;
if(typeof key11 === "string"){
if(!pattern13.test(key11)){
const err82 = {instancePath:instancePath+"/userStore/staticColumns",schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/propertyNames/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.staticColumns.propertyNames,data:key11,propertyName:key11};
if(vErrors === null){
vErrors = [err82];
}
else {
vErrors.push(err82);
}
errors++;
}
}
else {
const err83 = {instancePath:instancePath+"/userStore/staticColumns",schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/propertyNames/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.staticColumns.propertyNames.type,parentSchema:schema26.properties.staticColumns.propertyNames,data:key11,propertyName:key11};
if(vErrors === null){
vErrors = [err83];
}
else {
vErrors.push(err83);
}
errors++;
}
var valid20 = _errs97 === errors;
if(!valid20){
const err84 = {instancePath:instancePath+"/userStore/staticColumns",schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/propertyNames",keyword:"propertyNames",params:{propertyName: key11},message:"property name must be valid",schema:schema26.properties.staticColumns.propertyNames,parentSchema:schema26.properties.staticColumns,data:data32};
if(vErrors === null){
vErrors = [err84];
}
else {
vErrors.push(err84);
}
errors++;
}
}
for(const key12 in data32){
let data33 = data32[key12];
const _errs101 = errors;
let valid22 = false;
let passing0 = null;
const _errs102 = errors;
if((((typeof data33 !== "string") && (!(typeof data33 == "number"))) && (typeof data33 !== "boolean")) && (data33 !== null)){
const err85 = {instancePath:instancePath+"/userStore/staticColumns/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/additionalProperties/oneOf/0/type",keyword:"type",params:{type: schema26.properties.staticColumns.additionalProperties.oneOf[0].type},message:"must be string,number,boolean,null",schema:schema26.properties.staticColumns.additionalProperties.oneOf[0].type,parentSchema:schema26.properties.staticColumns.additionalProperties.oneOf[0],data:data33};
if(vErrors === null){
vErrors = [err85];
}
else {
vErrors.push(err85);
}
errors++;
}
var _valid6 = _errs102 === errors;
if(_valid6){
valid22 = true;
passing0 = 0;
}
const _errs104 = errors;
if(data33 && typeof data33 == "object" && !Array.isArray(data33)){
if(data33.now === undefined){
const err86 = {instancePath:instancePath+"/userStore/staticColumns/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/additionalProperties/oneOf/1/required",keyword:"required",params:{missingProperty: "now"},message:"must have required property '"+"now"+"'",schema:schema26.properties.staticColumns.additionalProperties.oneOf[1].required,parentSchema:schema26.properties.staticColumns.additionalProperties.oneOf[1],data:data33};
if(vErrors === null){
vErrors = [err86];
}
else {
vErrors.push(err86);
}
errors++;
}
for(const key13 in data33){
if(!(key13 === "now")){
const err87 = {instancePath:instancePath+"/userStore/staticColumns/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/additionalProperties/oneOf/1/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key13},message:"must NOT have additional properties",schema:false,parentSchema:schema26.properties.staticColumns.additionalProperties.oneOf[1],data:data33};
if(vErrors === null){
vErrors = [err87];
}
else {
vErrors.push(err87);
}
errors++;
}
}
if(data33.now !== undefined){
let data34 = data33.now;
if(true !== data34){
const err88 = {instancePath:instancePath+"/userStore/staticColumns/" + key12.replace(/~/g, "~0").replace(/\//g, "~1")+"/now",schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/additionalProperties/oneOf/1/properties/now/const",keyword:"const",params:{allowedValue: true},message:"must be equal to constant",schema:true,parentSchema:schema26.properties.staticColumns.additionalProperties.oneOf[1].properties.now,data:data34};
if(vErrors === null){
vErrors = [err88];
}
else {
vErrors.push(err88);
}
errors++;
}
}
}
else {
const err89 = {instancePath:instancePath+"/userStore/staticColumns/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/additionalProperties/oneOf/1/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.properties.staticColumns.additionalProperties.oneOf[1].type,parentSchema:schema26.properties.staticColumns.additionalProperties.oneOf[1],data:data33};
if(vErrors === null){
vErrors = [err89];
}
else {
vErrors.push(err89);
}
errors++;
}
var _valid6 = _errs104 === errors;
if(_valid6 && valid22){
valid22 = false;
passing0 = [passing0, 1];
}
else {
if(_valid6){
valid22 = true;
passing0 = 1;
}
}
if(!valid22){
const err90 = {instancePath:instancePath+"/userStore/staticColumns/" + key12.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/additionalProperties/oneOf",keyword:"oneOf",params:{passingSchemas: passing0},message:"must match exactly one schema in oneOf",schema:schema26.properties.staticColumns.additionalProperties.oneOf,parentSchema:schema26.properties.staticColumns.additionalProperties,data:data33};
if(vErrors === null){
vErrors = [err90];
}
else {
vErrors.push(err90);
}
errors++;
}
else {
errors = _errs101;
if(vErrors !== null){
if(_errs101){
vErrors.length = _errs101;
}
else {
vErrors = null;
}
}
}
}
}
else {
const err91 = {instancePath:instancePath+"/userStore/staticColumns",schemaPath:"#/definitions/UserStoreSpec/properties/staticColumns/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.properties.staticColumns.type,parentSchema:schema26.properties.staticColumns,data:data32};
if(vErrors === null){
vErrors = [err91];
}
else {
vErrors.push(err91);
}
errors++;
}
}
if(data22.attributes !== undefined){
let data35 = data22.attributes;
if(data35 && typeof data35 == "object" && !Array.isArray(data35)){
for(const key14 in data35){
if(!((key14 === "jsonColumn") || (key14 === "columns"))){
const err92 = {instancePath:instancePath+"/userStore/attributes",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key14},message:"must NOT have additional properties",schema:false,parentSchema:schema26.properties.attributes,data:data35};
if(vErrors === null){
vErrors = [err92];
}
else {
vErrors.push(err92);
}
errors++;
}
}
if(data35.jsonColumn !== undefined){
let data36 = data35.jsonColumn;
if(typeof data36 === "string"){
if(!pattern13.test(data36)){
const err93 = {instancePath:instancePath+"/userStore/attributes/jsonColumn",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/jsonColumn/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.attributes.properties.jsonColumn,data:data36};
if(vErrors === null){
vErrors = [err93];
}
else {
vErrors.push(err93);
}
errors++;
}
}
else {
const err94 = {instancePath:instancePath+"/userStore/attributes/jsonColumn",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/jsonColumn/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.attributes.properties.jsonColumn.type,parentSchema:schema26.properties.attributes.properties.jsonColumn,data:data36};
if(vErrors === null){
vErrors = [err94];
}
else {
vErrors.push(err94);
}
errors++;
}
}
if(data35.columns !== undefined){
let data37 = data35.columns;
if(data37 && typeof data37 == "object" && !Array.isArray(data37)){
for(const key15 in data37){
const _errs115 = errors;
if(typeof key15 === "string"){
if(func3(key15) < 1){
const err95 = {instancePath:instancePath+"/userStore/attributes/columns",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/columns/propertyNames/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema26.properties.attributes.properties.columns.propertyNames,data:key15,propertyName:key15};
if(vErrors === null){
vErrors = [err95];
}
else {
vErrors.push(err95);
}
errors++;
}
}
else {
const err96 = {instancePath:instancePath+"/userStore/attributes/columns",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/columns/propertyNames/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.attributes.properties.columns.propertyNames.type,parentSchema:schema26.properties.attributes.properties.columns.propertyNames,data:key15,propertyName:key15};
if(vErrors === null){
vErrors = [err96];
}
else {
vErrors.push(err96);
}
errors++;
}
var valid25 = _errs115 === errors;
if(!valid25){
const err97 = {instancePath:instancePath+"/userStore/attributes/columns",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/columns/propertyNames",keyword:"propertyNames",params:{propertyName: key15},message:"property name must be valid",schema:schema26.properties.attributes.properties.columns.propertyNames,parentSchema:schema26.properties.attributes.properties.columns,data:data37};
if(vErrors === null){
vErrors = [err97];
}
else {
vErrors.push(err97);
}
errors++;
}
}
for(const key16 in data37){
let data38 = data37[key16];
if(typeof data38 === "string"){
if(!pattern13.test(data38)){
const err98 = {instancePath:instancePath+"/userStore/attributes/columns/" + key16.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/columns/additionalProperties/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.attributes.properties.columns.additionalProperties,data:data38};
if(vErrors === null){
vErrors = [err98];
}
else {
vErrors.push(err98);
}
errors++;
}
}
else {
const err99 = {instancePath:instancePath+"/userStore/attributes/columns/" + key16.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/columns/additionalProperties/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.attributes.properties.columns.additionalProperties.type,parentSchema:schema26.properties.attributes.properties.columns.additionalProperties,data:data38};
if(vErrors === null){
vErrors = [err99];
}
else {
vErrors.push(err99);
}
errors++;
}
}
}
else {
const err100 = {instancePath:instancePath+"/userStore/attributes/columns",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/properties/columns/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.properties.attributes.properties.columns.type,parentSchema:schema26.properties.attributes.properties.columns,data:data37};
if(vErrors === null){
vErrors = [err100];
}
else {
vErrors.push(err100);
}
errors++;
}
}
}
else {
const err101 = {instancePath:instancePath+"/userStore/attributes",schemaPath:"#/definitions/UserStoreSpec/properties/attributes/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.properties.attributes.type,parentSchema:schema26.properties.attributes,data:data35};
if(vErrors === null){
vErrors = [err101];
}
else {
vErrors.push(err101);
}
errors++;
}
}
if(data22.dependents !== undefined){
let data39 = data22.dependents;
if(Array.isArray(data39)){
const len0 = data39.length;
for(let i0=0; i0<len0; i0++){
let data40 = data39[i0];
if(data40 && typeof data40 == "object" && !Array.isArray(data40)){
if(data40.table === undefined){
const err102 = {instancePath:instancePath+"/userStore/dependents/" + i0,schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/required",keyword:"required",params:{missingProperty: "table"},message:"must have required property '"+"table"+"'",schema:schema26.properties.dependents.items.required,parentSchema:schema26.properties.dependents.items,data:data40};
if(vErrors === null){
vErrors = [err102];
}
else {
vErrors.push(err102);
}
errors++;
}
if(data40.column === undefined){
const err103 = {instancePath:instancePath+"/userStore/dependents/" + i0,schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/required",keyword:"required",params:{missingProperty: "column"},message:"must have required property '"+"column"+"'",schema:schema26.properties.dependents.items.required,parentSchema:schema26.properties.dependents.items,data:data40};
if(vErrors === null){
vErrors = [err103];
}
else {
vErrors.push(err103);
}
errors++;
}
for(const key17 in data40){
if(!((key17 === "table") || (key17 === "column"))){
const err104 = {instancePath:instancePath+"/userStore/dependents/" + i0,schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key17},message:"must NOT have additional properties",schema:false,parentSchema:schema26.properties.dependents.items,data:data40};
if(vErrors === null){
vErrors = [err104];
}
else {
vErrors.push(err104);
}
errors++;
}
}
if(data40.table !== undefined){
let data41 = data40.table;
if(typeof data41 === "string"){
if(!pattern12.test(data41)){
const err105 = {instancePath:instancePath+"/userStore/dependents/" + i0+"/table",schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/properties/table/pattern",keyword:"pattern",params:{pattern: "^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^([A-Za-z_][A-Za-z0-9_$]{0,62}\\.)?[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.dependents.items.properties.table,data:data41};
if(vErrors === null){
vErrors = [err105];
}
else {
vErrors.push(err105);
}
errors++;
}
}
else {
const err106 = {instancePath:instancePath+"/userStore/dependents/" + i0+"/table",schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/properties/table/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.dependents.items.properties.table.type,parentSchema:schema26.properties.dependents.items.properties.table,data:data41};
if(vErrors === null){
vErrors = [err106];
}
else {
vErrors.push(err106);
}
errors++;
}
}
if(data40.column !== undefined){
let data42 = data40.column;
if(typeof data42 === "string"){
if(!pattern13.test(data42)){
const err107 = {instancePath:instancePath+"/userStore/dependents/" + i0+"/column",schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/properties/column/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_$]{0,62}$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_$]{0,62}$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_$]{0,62}$",parentSchema:schema26.properties.dependents.items.properties.column,data:data42};
if(vErrors === null){
vErrors = [err107];
}
else {
vErrors.push(err107);
}
errors++;
}
}
else {
const err108 = {instancePath:instancePath+"/userStore/dependents/" + i0+"/column",schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/properties/column/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema26.properties.dependents.items.properties.column.type,parentSchema:schema26.properties.dependents.items.properties.column,data:data42};
if(vErrors === null){
vErrors = [err108];
}
else {
vErrors.push(err108);
}
errors++;
}
}
}
else {
const err109 = {instancePath:instancePath+"/userStore/dependents/" + i0,schemaPath:"#/definitions/UserStoreSpec/properties/dependents/items/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.properties.dependents.items.type,parentSchema:schema26.properties.dependents.items,data:data40};
if(vErrors === null){
vErrors = [err109];
}
else {
vErrors.push(err109);
}
errors++;
}
}
}
else {
const err110 = {instancePath:instancePath+"/userStore/dependents",schemaPath:"#/definitions/UserStoreSpec/properties/dependents/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema26.properties.dependents.type,parentSchema:schema26.properties.dependents,data:data39};
if(vErrors === null){
vErrors = [err110];
}
else {
vErrors.push(err110);
}
errors++;
}
}
if(data22.guardTrigger !== undefined){
let data43 = data22.guardTrigger;
if(typeof data43 !== "boolean"){
const err111 = {instancePath:instancePath+"/userStore/guardTrigger",schemaPath:"#/definitions/UserStoreSpec/properties/guardTrigger/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema26.properties.guardTrigger.type,parentSchema:schema26.properties.guardTrigger,data:data43};
if(vErrors === null){
vErrors = [err111];
}
else {
vErrors.push(err111);
}
errors++;
}
}
}
else {
const err112 = {instancePath:instancePath+"/userStore",schemaPath:"#/definitions/UserStoreSpec/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema26.type,parentSchema:schema26,data:data22};
if(vErrors === null){
vErrors = [err112];
}
else {
vErrors.push(err112);
}
errors++;
}
}
}
else {
const err113 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema24.type,parentSchema:schema24,data};
if(vErrors === null){
vErrors = [err113];
}
else {
vErrors.push(err113);
}
errors++;
}
validate24.errors = vErrors;
return errors === 0;
}


function validate41(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema23.required,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema23.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("ReconcilerConfig" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "ReconcilerConfig"},message:"must be equal to constant",schema:"ReconcilerConfig",parentSchema:schema23.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
if(!(validate12(data.metadata, {instancePath:instancePath+"/metadata",parentData:data,parentDataProperty:"metadata",rootData}))){
vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
errors = vErrors.length;
}
}
if(data.spec !== undefined){
if(!(validate24(data.spec, {instancePath:instancePath+"/spec",parentData:data,parentDataProperty:"spec",rootData}))){
vErrors = vErrors === null ? validate24.errors : vErrors.concat(validate24.errors);
errors = vErrors.length;
}
}
}
else {
const err7 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema23.type,parentSchema:schema23,data};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
validate41.errors = vErrors;
return errors === 0;
}

export const PopulationTemplate = validate44;
const schema27 = {"type":"object","title":"PopulationTemplate","description":"Named defaults for TestUserPopulation specs created through the HTTP API (specs/templates/ holds the built-in ones). metadata.annotations.description describes it.","required":["apiVersion","kind","metadata","spec"],"additionalProperties":false,"properties":{"apiVersion":{"const":"bulk-users/v1"},"kind":{"const":"PopulationTemplate"},"metadata":{"$ref":"#/definitions/Metadata"},"spec":{"$ref":"#/definitions/PopulationTemplateSpec"}}};
const schema28 = {"type":"object","title":"PopulationTemplateSpec","description":"Any field of a PopulationSpec, all optional: the defaults a population created from this template starts from.","additionalProperties":false,"properties":{"count":{"$ref":"#/definitions/PopulationSpec/properties/count"},"usernamePattern":{"$ref":"#/definitions/PopulationSpec/properties/usernamePattern"},"idStart":{"$ref":"#/definitions/PopulationSpec/properties/idStart"},"emailDomain":{"$ref":"#/definitions/PopulationSpec/properties/emailDomain"},"password":{"$ref":"#/definitions/PasswordSource"},"attributes":{"$ref":"#/definitions/PopulationSpec/properties/attributes"},"batchSize":{"$ref":"#/definitions/PopulationSpec/properties/batchSize"},"ttl":{"$ref":"#/definitions/PopulationSpec/properties/ttl"},"expiresAt":{"$ref":"#/definitions/PopulationSpec/properties/expiresAt"},"syncTargets":{"$ref":"#/definitions/PopulationSpec/properties/syncTargets"},"deletionPolicy":{"$ref":"#/definitions/PopulationSpec/properties/deletionPolicy"}}};
const schema29 = {"type":"integer","minimum":0,"maximum":100000000,"description":"How many users the population has."};
const schema30 = {"type":"string","minLength":1,"maxLength":200,"description":"Username of member n; exactly one {id} placeholder, replaced by idStart + n.","pattern":"^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"};
const schema31 = {"type":"integer","minimum":0,"maximum":1000000000000,"default":1,"description":"Sequence number of the first member."};
const schema32 = {"type":"string","pattern":"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$","default":"example.com","description":"email = username when the username is an address, else username@emailDomain."};
const schema36 = {"type":"integer","minimum":1,"maximum":50000,"default":1000,"description":"Rows per transaction."};
const schema37 = {"type":"string","pattern":"^[1-9][0-9]*(m|h|d|w)$","description":"Lease length: 30m, 12h, 7d, 2w."};
const schema38 = {"type":"string","format":"date-time","description":"RFC 3339 instant after which the population expires."};
const schema39 = {"type":"array","items":{"type":"string"},"uniqueItems":true,"description":"Names of SyncTarget documents that must hold the same users."};
const schema40 = {"enum":["Delete","Retain"],"default":"Delete","description":"What removing this spec does to its users."};
const schema34 = {"type":"object","description":"Free-form profile fields, stored as JSON. Text in them (keys and string values, at any depth) may hold tab, line feed and carriage return but no other control character.","propertyNames":{"$ref":"#/definitions/AttributeText"},"additionalProperties":{"$ref":"#/definitions/AttributeValue"}};

function validate30(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
const _errs1 = errors;
if(typeof key0 === "string"){
if(!pattern1.test(key0)){
const err0 = {instancePath,schemaPath:"#/definitions/AttributeText/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema14,data:key0,propertyName:key0};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
else {
const err1 = {instancePath,schemaPath:"#/definitions/AttributeText/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema14.type,parentSchema:schema14,data:key0,propertyName:key0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
var valid0 = _errs1 === errors;
if(!valid0){
const err2 = {instancePath,schemaPath:"#/propertyNames",keyword:"propertyNames",params:{propertyName: key0},message:"property name must be valid",schema:schema34.propertyNames,parentSchema:schema34,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
}
for(const key1 in data){
if(!(validate15(data[key1], {instancePath:instancePath+"/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),parentData:data,parentDataProperty:key1,rootData}))){
vErrors = vErrors === null ? validate15.errors : vErrors.concat(validate15.errors);
errors = vErrors.length;
}
}
}
else {
const err3 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema34.type,parentSchema:schema34,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
validate30.errors = vErrors;
return errors === 0;
}


function validate29(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
for(const key0 in data){
if(!(func2.call(schema28.properties, key0))){
const err0 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema28,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
}
if(data.count !== undefined){
let data0 = data.count;
if(!((typeof data0 == "number") && (!(data0 % 1) && !isNaN(data0)))){
const err1 = {instancePath:instancePath+"/count",schemaPath:"#/definitions/PopulationSpec/properties/count/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema29.type,parentSchema:schema29,data:data0};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(typeof data0 == "number"){
if(data0 > 100000000 || isNaN(data0)){
const err2 = {instancePath:instancePath+"/count",schemaPath:"#/definitions/PopulationSpec/properties/count/maximum",keyword:"maximum",params:{comparison: "<=", limit: 100000000},message:"must be <= 100000000",schema:100000000,parentSchema:schema29,data:data0};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data0 < 0 || isNaN(data0)){
const err3 = {instancePath:instancePath+"/count",schemaPath:"#/definitions/PopulationSpec/properties/count/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema29,data:data0};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
}
}
if(data.usernamePattern !== undefined){
let data1 = data.usernamePattern;
if(typeof data1 === "string"){
if(func3(data1) > 200){
const err4 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/definitions/PopulationSpec/properties/usernamePattern/maxLength",keyword:"maxLength",params:{limit: 200},message:"must NOT have more than 200 characters",schema:200,parentSchema:schema30,data:data1};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
if(func3(data1) < 1){
const err5 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/definitions/PopulationSpec/properties/usernamePattern/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema30,data:data1};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
if(!pattern3.test(data1)){
const err6 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/definitions/PopulationSpec/properties/usernamePattern/pattern",keyword:"pattern",params:{pattern: "^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"},message:"must match pattern \""+"^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$"+"\"",schema:"^[^\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\uD800-\\uDFFF]*$",parentSchema:schema30,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
else {
const err7 = {instancePath:instancePath+"/usernamePattern",schemaPath:"#/definitions/PopulationSpec/properties/usernamePattern/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema30.type,parentSchema:schema30,data:data1};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
}
if(data.idStart !== undefined){
let data2 = data.idStart;
if(!((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2)))){
const err8 = {instancePath:instancePath+"/idStart",schemaPath:"#/definitions/PopulationSpec/properties/idStart/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema31.type,parentSchema:schema31,data:data2};
if(vErrors === null){
vErrors = [err8];
}
else {
vErrors.push(err8);
}
errors++;
}
if(typeof data2 == "number"){
if(data2 > 1000000000000 || isNaN(data2)){
const err9 = {instancePath:instancePath+"/idStart",schemaPath:"#/definitions/PopulationSpec/properties/idStart/maximum",keyword:"maximum",params:{comparison: "<=", limit: 1000000000000},message:"must be <= 1000000000000",schema:1000000000000,parentSchema:schema31,data:data2};
if(vErrors === null){
vErrors = [err9];
}
else {
vErrors.push(err9);
}
errors++;
}
if(data2 < 0 || isNaN(data2)){
const err10 = {instancePath:instancePath+"/idStart",schemaPath:"#/definitions/PopulationSpec/properties/idStart/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0",schema:0,parentSchema:schema31,data:data2};
if(vErrors === null){
vErrors = [err10];
}
else {
vErrors.push(err10);
}
errors++;
}
}
}
if(data.emailDomain !== undefined){
let data3 = data.emailDomain;
if(typeof data3 === "string"){
if(!pattern4.test(data3)){
const err11 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/definitions/PopulationSpec/properties/emailDomain/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"},message:"must match pattern \""+"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$"+"\"",schema:"^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$",parentSchema:schema32,data:data3};
if(vErrors === null){
vErrors = [err11];
}
else {
vErrors.push(err11);
}
errors++;
}
}
else {
const err12 = {instancePath:instancePath+"/emailDomain",schemaPath:"#/definitions/PopulationSpec/properties/emailDomain/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema32.type,parentSchema:schema32,data:data3};
if(vErrors === null){
vErrors = [err12];
}
else {
vErrors.push(err12);
}
errors++;
}
}
if(data.password !== undefined){
let data4 = data.password;
if(data4 && typeof data4 == "object" && !Array.isArray(data4)){
if(Object.keys(data4).length > 1){
const err13 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/maxProperties",keyword:"maxProperties",params:{limit: 1},message:"must NOT have more than 1 properties",schema:1,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err13];
}
else {
vErrors.push(err13);
}
errors++;
}
if(Object.keys(data4).length < 1){
const err14 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/minProperties",keyword:"minProperties",params:{limit: 1},message:"must NOT have fewer than 1 properties",schema:1,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err14];
}
else {
vErrors.push(err14);
}
errors++;
}
for(const key1 in data4){
if(!((key1 === "fromEnv") || (key1 === "value"))){
const err15 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key1},message:"must NOT have additional properties",schema:false,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err15];
}
else {
vErrors.push(err15);
}
errors++;
}
}
if(data4.fromEnv !== undefined){
let data5 = data4.fromEnv;
if(typeof data5 === "string"){
if(!pattern5.test(data5)){
const err16 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/pattern",keyword:"pattern",params:{pattern: "^[A-Za-z_][A-Za-z0-9_]*$"},message:"must match pattern \""+"^[A-Za-z_][A-Za-z0-9_]*$"+"\"",schema:"^[A-Za-z_][A-Za-z0-9_]*$",parentSchema:schema17.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err16];
}
else {
vErrors.push(err16);
}
errors++;
}
}
else {
const err17 = {instancePath:instancePath+"/password/fromEnv",schemaPath:"#/definitions/PasswordSource/properties/fromEnv/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema17.properties.fromEnv.type,parentSchema:schema17.properties.fromEnv,data:data5};
if(vErrors === null){
vErrors = [err17];
}
else {
vErrors.push(err17);
}
errors++;
}
}
if(data4.value !== undefined){
let data6 = data4.value;
if(typeof data6 === "string"){
if(func3(data6) < 1){
const err18 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema17.properties.value,data:data6};
if(vErrors === null){
vErrors = [err18];
}
else {
vErrors.push(err18);
}
errors++;
}
}
else {
const err19 = {instancePath:instancePath+"/password/value",schemaPath:"#/definitions/PasswordSource/properties/value/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema17.properties.value.type,parentSchema:schema17.properties.value,data:data6};
if(vErrors === null){
vErrors = [err19];
}
else {
vErrors.push(err19);
}
errors++;
}
}
}
else {
const err20 = {instancePath:instancePath+"/password",schemaPath:"#/definitions/PasswordSource/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema17.type,parentSchema:schema17,data:data4};
if(vErrors === null){
vErrors = [err20];
}
else {
vErrors.push(err20);
}
errors++;
}
}
if(data.attributes !== undefined){
if(!(validate30(data.attributes, {instancePath:instancePath+"/attributes",parentData:data,parentDataProperty:"attributes",rootData}))){
vErrors = vErrors === null ? validate30.errors : vErrors.concat(validate30.errors);
errors = vErrors.length;
}
}
if(data.batchSize !== undefined){
let data8 = data.batchSize;
if(!((typeof data8 == "number") && (!(data8 % 1) && !isNaN(data8)))){
const err21 = {instancePath:instancePath+"/batchSize",schemaPath:"#/definitions/PopulationSpec/properties/batchSize/type",keyword:"type",params:{type: "integer"},message:"must be integer",schema:schema36.type,parentSchema:schema36,data:data8};
if(vErrors === null){
vErrors = [err21];
}
else {
vErrors.push(err21);
}
errors++;
}
if(typeof data8 == "number"){
if(data8 > 50000 || isNaN(data8)){
const err22 = {instancePath:instancePath+"/batchSize",schemaPath:"#/definitions/PopulationSpec/properties/batchSize/maximum",keyword:"maximum",params:{comparison: "<=", limit: 50000},message:"must be <= 50000",schema:50000,parentSchema:schema36,data:data8};
if(vErrors === null){
vErrors = [err22];
}
else {
vErrors.push(err22);
}
errors++;
}
if(data8 < 1 || isNaN(data8)){
const err23 = {instancePath:instancePath+"/batchSize",schemaPath:"#/definitions/PopulationSpec/properties/batchSize/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1",schema:1,parentSchema:schema36,data:data8};
if(vErrors === null){
vErrors = [err23];
}
else {
vErrors.push(err23);
}
errors++;
}
}
}
if(data.ttl !== undefined){
let data9 = data.ttl;
if(typeof data9 === "string"){
if(!pattern9.test(data9)){
const err24 = {instancePath:instancePath+"/ttl",schemaPath:"#/definitions/PopulationSpec/properties/ttl/pattern",keyword:"pattern",params:{pattern: "^[1-9][0-9]*(m|h|d|w)$"},message:"must match pattern \""+"^[1-9][0-9]*(m|h|d|w)$"+"\"",schema:"^[1-9][0-9]*(m|h|d|w)$",parentSchema:schema37,data:data9};
if(vErrors === null){
vErrors = [err24];
}
else {
vErrors.push(err24);
}
errors++;
}
}
else {
const err25 = {instancePath:instancePath+"/ttl",schemaPath:"#/definitions/PopulationSpec/properties/ttl/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema37.type,parentSchema:schema37,data:data9};
if(vErrors === null){
vErrors = [err25];
}
else {
vErrors.push(err25);
}
errors++;
}
}
if(data.expiresAt !== undefined){
let data10 = data.expiresAt;
if(typeof data10 === "string"){
if(!(formats0.validate(data10))){
const err26 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/definitions/PopulationSpec/properties/expiresAt/format",keyword:"format",params:{format: "date-time"},message:"must match format \""+"date-time"+"\"",schema:"date-time",parentSchema:schema38,data:data10};
if(vErrors === null){
vErrors = [err26];
}
else {
vErrors.push(err26);
}
errors++;
}
}
else {
const err27 = {instancePath:instancePath+"/expiresAt",schemaPath:"#/definitions/PopulationSpec/properties/expiresAt/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema38.type,parentSchema:schema38,data:data10};
if(vErrors === null){
vErrors = [err27];
}
else {
vErrors.push(err27);
}
errors++;
}
}
if(data.syncTargets !== undefined){
let data11 = data.syncTargets;
if(Array.isArray(data11)){
const len0 = data11.length;
for(let i0=0; i0<len0; i0++){
let data12 = data11[i0];
if(typeof data12 !== "string"){
const err28 = {instancePath:instancePath+"/syncTargets/" + i0,schemaPath:"#/definitions/PopulationSpec/properties/syncTargets/items/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema39.items.type,parentSchema:schema39.items,data:data12};
if(vErrors === null){
vErrors = [err28];
}
else {
vErrors.push(err28);
}
errors++;
}
}
let i1 = data11.length;
let j0;
if(i1 > 1){
const indices0 = {};
for(;i1--;){
let item0 = data11[i1];
if(typeof item0 !== "string"){
continue;
}
if(typeof indices0[item0] == "number"){
j0 = indices0[item0];
const err29 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/definitions/PopulationSpec/properties/syncTargets/uniqueItems",keyword:"uniqueItems",params:{i: i1, j: j0},message:"must NOT have duplicate items (items ## "+j0+" and "+i1+" are identical)",schema:true,parentSchema:schema39,data:data11};
if(vErrors === null){
vErrors = [err29];
}
else {
vErrors.push(err29);
}
errors++;
break;
}
indices0[item0] = i1;
}
}
}
else {
const err30 = {instancePath:instancePath+"/syncTargets",schemaPath:"#/definitions/PopulationSpec/properties/syncTargets/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema39.type,parentSchema:schema39,data:data11};
if(vErrors === null){
vErrors = [err30];
}
else {
vErrors.push(err30);
}
errors++;
}
}
if(data.deletionPolicy !== undefined){
let data13 = data.deletionPolicy;
if(!((data13 === "Delete") || (data13 === "Retain"))){
const err31 = {instancePath:instancePath+"/deletionPolicy",schemaPath:"#/definitions/PopulationSpec/properties/deletionPolicy/enum",keyword:"enum",params:{allowedValues: schema40.enum},message:"must be equal to one of the allowed values",schema:schema40.enum,parentSchema:schema40,data:data13};
if(vErrors === null){
vErrors = [err31];
}
else {
vErrors.push(err31);
}
errors++;
}
}
}
else {
const err32 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema28.type,parentSchema:schema28,data};
if(vErrors === null){
vErrors = [err32];
}
else {
vErrors.push(err32);
}
errors++;
}
validate29.errors = vErrors;
return errors === 0;
}


function validate44(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){
let vErrors = null;
let errors = 0;
if(data && typeof data == "object" && !Array.isArray(data)){
if(data.apiVersion === undefined){
const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "apiVersion"},message:"must have required property '"+"apiVersion"+"'",schema:schema27.required,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err0];
}
else {
vErrors.push(err0);
}
errors++;
}
if(data.kind === undefined){
const err1 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema27.required,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err1];
}
else {
vErrors.push(err1);
}
errors++;
}
if(data.metadata === undefined){
const err2 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "metadata"},message:"must have required property '"+"metadata"+"'",schema:schema27.required,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err2];
}
else {
vErrors.push(err2);
}
errors++;
}
if(data.spec === undefined){
const err3 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "spec"},message:"must have required property '"+"spec"+"'",schema:schema27.required,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err3];
}
else {
vErrors.push(err3);
}
errors++;
}
for(const key0 in data){
if(!((((key0 === "apiVersion") || (key0 === "kind")) || (key0 === "metadata")) || (key0 === "spec"))){
const err4 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err4];
}
else {
vErrors.push(err4);
}
errors++;
}
}
if(data.apiVersion !== undefined){
let data0 = data.apiVersion;
if("bulk-users/v1" !== data0){
const err5 = {instancePath:instancePath+"/apiVersion",schemaPath:"#/properties/apiVersion/const",keyword:"const",params:{allowedValue: "bulk-users/v1"},message:"must be equal to constant",schema:"bulk-users/v1",parentSchema:schema27.properties.apiVersion,data:data0};
if(vErrors === null){
vErrors = [err5];
}
else {
vErrors.push(err5);
}
errors++;
}
}
if(data.kind !== undefined){
let data1 = data.kind;
if("PopulationTemplate" !== data1){
const err6 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/const",keyword:"const",params:{allowedValue: "PopulationTemplate"},message:"must be equal to constant",schema:"PopulationTemplate",parentSchema:schema27.properties.kind,data:data1};
if(vErrors === null){
vErrors = [err6];
}
else {
vErrors.push(err6);
}
errors++;
}
}
if(data.metadata !== undefined){
if(!(validate12(data.metadata, {instancePath:instancePath+"/metadata",parentData:data,parentDataProperty:"metadata",rootData}))){
vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);
errors = vErrors.length;
}
}
if(data.spec !== undefined){
if(!(validate29(data.spec, {instancePath:instancePath+"/spec",parentData:data,parentDataProperty:"spec",rootData}))){
vErrors = vErrors === null ? validate29.errors : vErrors.concat(validate29.errors);
errors = vErrors.length;
}
}
}
else {
const err7 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema27.type,parentSchema:schema27,data};
if(vErrors === null){
vErrors = [err7];
}
else {
vErrors.push(err7);
}
errors++;
}
validate44.errors = vErrors;
return errors === 0;
}

